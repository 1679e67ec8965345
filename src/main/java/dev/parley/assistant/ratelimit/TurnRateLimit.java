package dev.parley.assistant.ratelimit;

import dev.parley.assistant.AssistantConfig;
import dev.parley.assistant.AssistantMetrics;
import dev.parley.assistant.SharedRedis;
import dev.parley.assistant.cache.ResponseCache;
import dev.parley.ratelimit.Gcra;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code LLM_RATE_LIMIT} assistant turns per user per minute (0 = off), shared by every node through Redis. A node
 * remembers each refusal until the time it named ({@link #knownRefused}): a turn is never handed back, so the limit's
 * state only moves forward (here or on another node) and every question in that window would be refused as well; it is
 * refused at once, without reading its prompt or asking Redis.
 */
@Singleton
public class TurnRateLimit {
    /** Remembered refusals kept before the expired ones are swept out. */
    private static final int SWEEP_AT = 10_000;
    private final Gcra limiter;
    private final AssistantMetrics metrics;
    private final ResponseCache cache;
    /** A user refused until this time (this node's clock, ms). */
    private final ConcurrentHashMap<String, Long> refusedUntil = new ConcurrentHashMap<>();

    TurnRateLimit(SharedRedis redis, AssistantConfig config, AssistantMetrics metrics, ResponseCache cache) {
        this.metrics = metrics;
        this.cache = cache;
        this.limiter = new Gcra(redis.call(), redis.gate(), "parley:llm:rate:", config.rateLimit(), Duration.ofMinutes(1));
    }

    /**
     * Takes one turn of {@code user} if the limit allows it now. With a {@code cacheKey} (and the cache on), an allowed
     * turn also brings the cached answer as {@link ResponseCache} keeps it (null when there is none), read in the same
     * round trip to Redis ({@link Gcra#acquireAndRead}); give it to {@link ResponseCache#found}. A refusal this node
     * remembers ({@link #knownRefused}) is answered at once.
     */
    public Gcra.Read admit(String user, String cacheKey) {
        Optional<Gcra.Decision> known = knownRefused(user);
        if (known.isPresent()) {
            return new Gcra.Read(known.get(), null);
        }
        if (cacheKey == null || !cache.enabled()) {
            return new Gcra.Read(counted(user, limiter.acquire(user)), null);
        }
        Gcra.Read r = limiter.acquireAndRead(user, cache.redisKey(cacheKey), () -> cache.inProcess(cacheKey));
        counted(user, r.decision());
        return r;
    }

    /** The refusal a turn of {@code user} would get now, known from an earlier one; empty when it must be asked. */
    public Optional<Gcra.Decision> knownRefused(String user) {
        Long until = refusedUntil.get(user);
        long now = System.currentTimeMillis();
        if (until == null) {
            return Optional.empty();
        }
        if (until <= now) {
            refusedUntil.remove(user, until);
            return Optional.empty();
        }
        metrics.rateLimited();
        return Optional.of(new Gcra.Decision(false, until - now));
    }

    private Gcra.Decision counted(String user, Gcra.Decision d) {
        if (!d.allowed()) {
            metrics.rateLimited();
            long now = System.currentTimeMillis();
            refusedUntil.put(user, now + d.retryAfterMs());
            if (refusedUntil.size() > SWEEP_AT) {
                refusedUntil.values().removeIf(until -> until <= now);
            }
        }
        return d;
    }
}
