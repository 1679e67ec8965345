package dev.parley.ratelimit;

import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.inject.Singleton;
import java.time.Duration;

/** Makes {@link Gcra} limits on the node's Redis connection, shared by every node, in process while Redis is down. */
@Singleton
public class SharedLimits {
    private final RedisDataSource redis;
    private final RedisGate gate = new RedisGate("login, registration and ticket throttles", Duration.ofSeconds(2));

    SharedLimits(RedisDataSource redis) {
        this.redis = redis;
    }

    /** A limit of {@code limit} per {@code period} per key under the Redis key prefix {@code parley:<name>:}. */
    public Gcra limit(String name, int limit, Duration period) {
        return new Gcra(redis::execute, gate, "parley:" + name + ":", limit, period);
    }
}
