package dev.parley.cli;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before reconnecting: exponential from {@link #BASE}, capped at {@link #CAP}, with half of it
 * random so that many clients cut off together do not come back together. A server that says it is restarting
 * (1012) or that we read too slowly (1013) is retried at once, with a little jitter only.
 */
public final class Backoff {
    static final Duration BASE = Duration.ofMillis(500);
    static final Duration CAP = Duration.ofSeconds(30);
    static final Duration IMMEDIATE_JITTER = Duration.ofMillis(300);

    private Backoff() {
    }

    /** The wait before reconnect attempt number {@code attempt} (0 for the first after a drop). */
    public static Duration delay(int attempt, int closeCode, RandomGenerator random) {
        if (attempt == 0 && (closeCode == 1012 || closeCode == 1013)) {
            return Duration.ofMillis(random.nextLong(IMMEDIATE_JITTER.toMillis() + 1));
        }
        long ceiling = Math.min(CAP.toMillis(), BASE.toMillis() << Math.min(attempt, 16));
        return Duration.ofMillis(ceiling / 2 + random.nextLong(ceiling / 2 + 1));
    }
}
