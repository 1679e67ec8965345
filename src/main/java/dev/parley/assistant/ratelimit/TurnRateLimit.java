package dev.parley.assistant.ratelimit;

import dev.parley.assistant.AssistantConfig;
import dev.parley.assistant.AssistantMetrics;
import dev.parley.assistant.SharedRedis;
import dev.parley.ratelimit.Gcra;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.function.Supplier;

/** {@code LLM_RATE_LIMIT} assistant turns per user per minute (0 = off), shared by every node through Redis. */
@Singleton
public class TurnRateLimit {
    private final Gcra limiter;
    private final AssistantMetrics metrics;

    TurnRateLimit(SharedRedis redis, AssistantConfig config, AssistantMetrics metrics) {
        this.metrics = metrics;
        this.limiter = new Gcra(redis.call(), redis.gate(), "parley:llm:rate:", config.rateLimit(), Duration.ofMinutes(1));
    }

    public Gcra.Decision acquire(String user) {
        Gcra.Decision d = limiter.acquire(user);
        if (!d.allowed()) {
            metrics.rateLimited();
        }
        return d;
    }

    /**
     * {@link #acquire}, and when the turn is allowed, the value of the Redis key {@code readKey} read in the same round
     * trip ({@link Gcra#acquireAndRead}); {@code inProcess} stands in for it while Redis is unreachable.
     */
    public Gcra.Read acquireAndRead(String user, String readKey, Supplier<String> inProcess) {
        Gcra.Read r = limiter.acquireAndRead(user, readKey, inProcess);
        if (!r.decision().allowed()) {
            metrics.rateLimited();
        }
        return r;
    }
}
