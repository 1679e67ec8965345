package dev.parley.chat;

import dev.parley.config.ParleyConfig;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * SPEC §2 abuse limit: a user sends at most {@code MESSAGE_RATE_LIMIT} messages per 10 s (a token bucket per user,
 * refilled evenly over the window; a burst of the whole allowance is allowed). Shared by the nodes without a round
 * trip on the send path: every node sees every message the others store (the bus carries them, SPEC §5) and counts
 * them against the sender here too ({@link #charge}), so a user on two nodes has one allowance, give or take the
 * messages in flight between nodes.
 */
@Singleton
public class SendRateLimit {
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** A user's bucket: the time at which it will be full again ("theoretical arrival time", GCRA). */
    private final ConcurrentHashMap<String, long[]> buckets = new ConcurrentHashMap<>();
    private final int limit;
    private final long intervalNanos;

    SendRateLimit(ParleyConfig config, Vertx vertx) {
        this.limit = config.message().rateLimit();
        this.intervalNanos = limit > 0 ? WINDOW_NANOS / limit : 0;
        vertx.setPeriodic(30_000, id -> forgetFull()); // on an event loop: no thread of its own to wake
    }

    /** Counts one message of {@code user}; refuses with {@code rate_limited} and {@code retryAfterMs} when over. */
    public void acquire(String user) {
        if (limit <= 0) {
            return;
        }
        long now = System.nanoTime();
        long[] refusedFor = {0};
        buckets.compute(user, (u, tat) -> {
            long[] t = tat == null ? new long[] {now} : tat;
            long start = Math.max(t[0], now);
            long next = start + intervalNanos;
            if (next - now > WINDOW_NANOS) {
                refusedFor[0] = next - now - WINDOW_NANOS;
            } else {
                t[0] = next;
            }
            return t;
        });
        if (refusedFor[0] > 0) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "you send more than " + limit
                    + " messages per 10 seconds; this one was not stored", Math.max(1, TimeUnit.NANOSECONDS.toMillis(refusedFor[0])));
        }
    }

    /** Counts a message of {@code user} that another node accepted: never refused here, it is already stored. */
    public void charge(String user) {
        if (limit <= 0) {
            return;
        }
        long now = System.nanoTime();
        buckets.compute(user, (u, tat) -> {
            long[] t = tat == null ? new long[] {now} : tat;
            t[0] = Math.min(Math.max(t[0], now) + intervalNanos, now + WINDOW_NANOS);
            return t;
        });
    }

    /** Buckets that are full again hold no information: forget them every 30 s, so idle users cost nothing. */
    void forgetFull() {
        long now = System.nanoTime();
        buckets.entrySet().removeIf(e -> e.getValue()[0] - now <= 0);
    }

    int tracked() {
        return buckets.size();
    }
}
