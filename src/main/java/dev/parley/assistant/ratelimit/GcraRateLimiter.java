package dev.parley.assistant.ratelimit;

import dev.parley.assistant.RedisGate;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A per-key limit of {@code limit} per {@code period} by the generic cell rate algorithm (GCRA): each key keeps a
 * "theoretical arrival time"; a request is allowed when that time, moved on by one emission interval, lies at most
 * one period ahead of now. On Redis it is one Lua script on Redis's own {@code TIME}, so every node shares the
 * limit and node clocks do not matter; while Redis is unreachable the same algorithm runs in process.
 */
public final class GcraRateLimiter {
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local interval = tonumber(ARGV[1])
            local period = tonumber(ARGV[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
            if tat < now then tat = now end
            local new_tat = tat + interval
            local allow_at = new_tat - period
            if allow_at > now then
              return {0, allow_at - now}
            end
            redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
            return {1, 0}
            """;

    /** Whether a request may go ahead, and if not, how long until it may. */
    public record Decision(boolean allowed, long retryAfterMs) {
    }

    private final RedisCall redis;
    private final RedisGate gate;
    private final String prefix;
    private final long intervalMs;
    private final long periodMs;
    private final ConcurrentHashMap<String, Long> local = new ConcurrentHashMap<>();

    public GcraRateLimiter(RedisCall redis, RedisGate gate, String prefix, int limit, Duration period) {
        this.redis = redis;
        this.gate = gate;
        this.prefix = prefix;
        this.periodMs = period.toMillis();
        this.intervalMs = Math.max(1, periodMs / Math.max(1, limit));
    }

    public Decision acquire(String key) {
        return gate.call(() -> onRedis(prefix + key), () -> inProcess(key));
    }

    private Decision onRedis(String key) {
        Response r = redis.execute("EVAL", SCRIPT, "1", key, Long.toString(intervalMs), Long.toString(periodMs));
        return new Decision(r.get(0).toLong() == 1, r.get(1).toLong());
    }

    private Decision inProcess(String key) {
        long now = System.currentTimeMillis();
        long[] retry = {0};
        local.compute(key, (k, tat) -> {
            long t = tat == null || tat < now ? now : tat;
            long next = t + intervalMs;
            if (next - periodMs > now) {
                retry[0] = next - periodMs - now;
                return tat;
            }
            return next;
        });
        if (local.size() > 100_000) {
            local.values().removeIf(t -> t < now);
        }
        return new Decision(retry[0] == 0, retry[0]);
    }
}
