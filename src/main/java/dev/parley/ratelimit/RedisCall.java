package dev.parley.ratelimit;

import io.vertx.mutiny.redis.client.Response;

/** One blocking Redis command, e.g. {@code RedisDataSource::execute}. */
@FunctionalInterface
public interface RedisCall {
    Response execute(String command, String... args);
}
