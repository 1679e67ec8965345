package dev.parley.health;

import dev.parley.cluster.ClusterBus;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports Redis and, with several nodes, the bus between them. An unreachable Redis does not make the node unready
 * (it keeps serving its own clients with in-process equivalents, SPEC §5); it is reported as {@code degraded} in the
 * check's data, and so is a node whose subscription to the bus is down (it does not hear the other nodes).
 */
@Readiness
@ApplicationScoped
public class RedisHealth implements HealthCheck {
    private final RedisDataSource redis;
    private final ClusterBus bus;

    RedisHealth(RedisDataSource redis, ClusterBus bus) {
        this.redis = redis;
        this.bus = bus;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder check = HealthCheckResponse.named("redis").up();
        boolean reachable;
        try {
            redis.execute("PING");
            reachable = true;
        } catch (RuntimeException e) {
            reachable = false;
        }
        if (bus.enabled()) {
            check.withData("node", bus.node()).withData("bus", bus.connected() ? "connected" : "cut off").withData("peers", bus.peers());
        }
        if (reachable && (!bus.enabled() || bus.connected())) {
            return check.withData("state", "connected").build();
        }
        return check.withData("state", "degraded").withData("detail", reachable
                ? "not subscribed to the bus between nodes yet: this node serves its own clients and catches up when it is"
                : "Redis unreachable; this node serves its own clients with in-process equivalents and catches up when Redis returns").build();
    }
}
