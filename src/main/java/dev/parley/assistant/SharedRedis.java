package dev.parley.assistant;

import dev.parley.ratelimit.RedisCall;
import dev.parley.ratelimit.RedisGate;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The node's Redis connection for the assistant, and the gate that falls back to in-process state without it. */
@Singleton
public class SharedRedis {
    private final RedisDataSource redis;
    private final RedisGate gate = new RedisGate("assistant's rate limits and response cache", Duration.ofSeconds(2));

    SharedRedis(RedisDataSource redis) {
        this.redis = redis;
    }

    public RedisCall call() {
        return redis::execute;
    }

    public RedisGate gate() {
        return gate;
    }
}
