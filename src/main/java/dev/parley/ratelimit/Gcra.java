package dev.parley.ratelimit;

import io.vertx.mutiny.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A limit of {@code limit} events per {@code period} for each key, by the generic cell rate algorithm (GCRA): a key
 * keeps a "theoretical arrival time" (TAT); an event is allowed when the TAT, moved on by one emission interval, lies
 * at most one period ahead of now. A full burst of {@code limit} is allowed, then one event per interval.
 * <p>
 * On Redis each decision is one Lua script on Redis's own clock, so every node shares the limit and node clocks do
 * not matter; while Redis is unreachable the same algorithm runs in process. Keys are stored as a fixed-length
 * digest of what the caller passes, so a caller-chosen key (a submitted username of any length) costs the same few
 * bytes, and every entry expires with its TAT.
 */
public final class Gcra {
    /**
     * KEYS[1]; ARGV: interval ms, period ms, mode: {@code take} records the event when allowed, {@code give} hands
     * one event back (moves the TAT one interval towards now). With a KEYS[2], an allowed {@code take} also returns
     * that key's value (nil when absent): a read that would otherwise be a second round trip.
     */
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local interval = tonumber(ARGV[1])
            local period = tonumber(ARGV[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
            if tat < now then tat = now end
            if ARGV[3] == 'give' then
              local back = tat - interval
              if back <= now then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], back, 'PX', back - now) end
              return {1, 0}
            end
            local new_tat = tat + interval
            local allow_at = new_tat - period
            if allow_at > now then
              return {0, allow_at - now}
            end
            redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
            if KEYS[2] then return {1, 0, redis.call('GET', KEYS[2])} end
            return {1, 0}
            """;
    /** In-process entries kept before expired ones are swept out. */
    private static final int LOCAL_SWEEP_AT = 50_000;

    /** Whether an event may happen now, and if not, in how many milliseconds it may. */
    public record Decision(boolean allowed, long retryAfterMs) {
    }

    /** A decision, and when the event was allowed the value read with it ({@link #acquireAndRead}; null when absent). */
    public record Read(Decision decision, String value) {
    }

    private final RedisCall redis;
    private final RedisGate gate;
    private final String prefix;
    private final boolean off;
    private final long intervalMs;
    private final long periodMs;
    private final ConcurrentHashMap<String, Long> local = new ConcurrentHashMap<>();

    /** @param limit events per period for one key; 0 or less turns the limit off (everything is allowed) */
    public Gcra(RedisCall redis, RedisGate gate, String prefix, int limit, Duration period) {
        this.redis = redis;
        this.gate = gate;
        this.prefix = prefix;
        this.off = limit <= 0;
        this.periodMs = period.toMillis();
        this.intervalMs = Math.max(1, periodMs / Math.max(1, limit));
    }

    /** Records an event for the key if it is allowed now (atomically: parallel callers cannot overrun the limit). */
    public Decision acquire(String key) {
        if (off) {
            return new Decision(true, 0);
        }
        String stored = stored(key);
        return gate.call(() -> onRedis(stored, "take"), () -> inProcess(stored, false));
    }

    /**
     * {@link #acquire}, and when the event is allowed, the value of the Redis key {@code readKey} in the same round
     * trip (the script reads it; on one Redis, not a cluster, where both keys would need one hash slot). While Redis is
     * unreachable, {@code inProcessValue} stands in for the read. With the limit off, only the read is made.
     */
    public Read acquireAndRead(String key, String readKey, Supplier<String> inProcessValue) {
        if (off) {
            return new Read(new Decision(true, 0), gate.call(() -> text(redis.execute("GET", readKey)), inProcessValue));
        }
        String stored = stored(key);
        return gate.call(() -> {
            Response r = redis.execute("EVAL", SCRIPT, "2", stored, readKey, Long.toString(intervalMs), Long.toString(periodMs), "take");
            return new Read(new Decision(r.get(0).toLong() == 1, r.get(1).toLong()), r.size() > 2 ? text(r.get(2)) : null);
        }, () -> {
            Decision d = inProcess(stored, false);
            return new Read(d, d.allowed() ? inProcessValue.get() : null);
        });
    }

    private static String text(Response r) {
        return r == null ? null : r.toString();
    }

    /** Hands back one event recorded by {@link #acquire} (one that turned out not to count, e.g. a good login). */
    public void release(String key) {
        if (off) {
            return;
        }
        String stored = stored(key);
        gate.call(() -> onRedis(stored, "give"), () -> inProcess(stored, true));
    }

    /** Forgets the key's history (e.g. failures, after a success). */
    public void reset(String key) {
        if (off) {
            return;
        }
        String stored = stored(key);
        gate.call(() -> redis.execute("DEL", stored), () -> local.remove(stored));
    }

    private Decision onRedis(String key, String mode) {
        Response r = redis.execute("EVAL", SCRIPT, "1", key, Long.toString(intervalMs), Long.toString(periodMs), mode);
        return new Decision(r.get(0).toLong() == 1, r.get(1).toLong());
    }

    private Decision inProcess(String key, boolean give) {
        long now = System.currentTimeMillis();
        long[] retry = {0};
        local.compute(key, (k, tat) -> {
            long t = tat == null || tat < now ? now : tat;
            if (give) {
                return t - intervalMs <= now ? null : Long.valueOf(t - intervalMs);
            }
            long next = t + intervalMs;
            if (next - periodMs > now) {
                retry[0] = next - periodMs - now;
                return tat;
            }
            return next;
        });
        if (local.size() > LOCAL_SWEEP_AT) {
            local.values().removeIf(tat -> tat < now);
        }
        return new Decision(retry[0] == 0, retry[0]);
    }

    private String stored(String key) {
        return redisKey(prefix, key);
    }

    /** The Redis key of {@code key} under {@code prefix}: the prefix and a 128-bit digest, the same length whatever the key. */
    public static String redisKey(String prefix, String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
