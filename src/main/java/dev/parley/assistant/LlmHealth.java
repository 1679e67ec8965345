package dev.parley.assistant;

import dev.parley.assistant.provider.LlmClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the assistant: each provider's circuit breaker and whether the rate limits and cache run on Redis or,
 * degraded, in process. Always up: an unreachable provider or Redis does not make the node unready (SPEC §3).
 */
@Readiness
@ApplicationScoped
public class LlmHealth implements HealthCheck {
    private final LlmClient llm;
    private final SharedRedis redis;

    LlmHealth(LlmClient llm, SharedRedis redis) {
        this.llm = llm;
        this.redis = redis;
    }

    @Override
    public HealthCheckResponse call() {
        if (redis.gate().degraded()) {
            // probe, so readiness notices a Redis that came back even while no turn runs
            redis.gate().call(() -> redis.call().execute("PING"), () -> null);
        }
        HealthCheckResponseBuilder b = HealthCheckResponse.named("assistant").up()
                .withData("state", redis.gate().degraded() ? "degraded" : "ok")
                .withData("limitsAndCache", redis.gate().degraded() ? "in-process (Redis unreachable)" : "redis");
        llm.breakerStates().forEach((provider, state) -> b.withData("provider." + provider, state.name().toLowerCase()));
        return b.build();
    }
}
