package dev.parley.bench.scenario;

import dev.parley.bench.server.Measured;
import java.time.Duration;

/**
 * Waits until the server under test is quiet: its CPU under {@link #QUIET_PCT} of a core over {@link #SAMPLES}
 * consecutive one-second samples. A JVM server keeps compiling the code of the step before (C2 and C1 threads, on
 * the server's one pinned core) for tens of seconds after it, and a step that is meant to run on an idle server
 * would otherwise measure the JIT as well: the one-message step of a run at 2026-12-05 17:28 spent 61 % of Parley's CPU
 * in C2. Bounded: after {@code atMost} it goes on and says so.
 */
public final class Quiet {
    /** Below this share of one core the server counts as quiet. */
    static final double QUIET_PCT = 5.0;
    /** Consecutive quiet one-second samples needed. */
    static final int SAMPLES = 3;

    /** How long it waited and whether the server went quiet in that time. */
    public record Wait(Duration waited, boolean quiet) {
        @Override
        public String toString() {
            return (quiet ? "quiet after " : "NOT quiet after ") + waited.toSeconds() + " s";
        }
    }

    private Quiet() {
    }

    public static Wait await(Measured server, Duration atMost) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + atMost.toNanos();
        int quietSamples = 0;
        long cpu = server.cpuNanos();
        long at = System.nanoTime();
        while (quietSamples < SAMPLES && at - deadline < 0) {
            Thread.sleep(1_000); // one CPU sample of the server
            long cpuNow = server.cpuNanos();
            long now = System.nanoTime();
            double pct = 100.0 * (cpuNow - cpu) / (now - at);
            quietSamples = pct < QUIET_PCT ? quietSamples + 1 : 0;
            cpu = cpuNow;
            at = now;
        }
        return new Wait(Duration.ofNanos(System.nanoTime() - start), quietSamples >= SAMPLES);
    }
}
