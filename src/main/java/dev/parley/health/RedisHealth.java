package dev.parley.health;

import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports Redis. An unreachable Redis does not make the node unready (a single node keeps working with in-process
 * equivalents); it is reported as {@code degraded} in the check's data.
 */
@Readiness
@ApplicationScoped
public class RedisHealth implements HealthCheck {
    private final RedisDataSource redis;

    RedisHealth(RedisDataSource redis) {
        this.redis = redis;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            redis.execute("PING");
            return HealthCheckResponse.named("redis").up().withData("state", "connected").build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("redis").up().withData("state", "degraded")
                    .withData("detail", "Redis unreachable; using in-process equivalents (single node only)").build();
        }
    }
}
