package dev.parley.bench;

import java.time.Duration;
import java.util.List;

/**
 * How big each scenario is. {@link #measurement()} is the measurement (the loads); {@link #smoke()} only proves the
 * harness works end to end (tiny loads, a few seconds per scenario) and is labelled a smoke run wherever it is written.
 */
record Settings(
        boolean quick,
        int runs,
        int users,
        Duration warmUp,
        Duration warmUpAcked,
        int members,
        int senders,
        double referenceRate,
        List<Double> sweepRates,
        Duration stepWarm,
        Duration stepMeasure,
        Duration stepDrain,
        double p99LimitMs,
        int idleConnections,
        Duration idleSettle,
        Duration idleWindow,
        int connectCount,
        int connectInFlight,
        int durableRooms,
        int singleRoomSenders,
        int durableWindow,
        Duration durableWarm,
        Duration durableMeasure,
        int oneshotSamples,
        long oneshotGapMillis,
        int assistantWarmUp,
        int assistantSamples) {

    static Settings measurement() {
        return new Settings(false, 2, 100, Duration.ofSeconds(45), Duration.ofSeconds(5), 100, 10, 20_000,
                List.of(2_000d, 5_000d, 10_000d, 15_000d, 20_000d, 25_000d, 30_000d, 40_000d, 50_000d, 60_000d,
                        80_000d, 100_000d),
                Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(5), 50,
                5_000, Duration.ofSeconds(10), Duration.ofSeconds(60),
                1_000, 32,
                64, 10, 100, Duration.ofSeconds(5), Duration.ofSeconds(20),
                1_000, 10,
                3_000, 500);
    }

    static Settings smoke() {
        return new Settings(true, 2, 20, Duration.ofSeconds(2), Duration.ofSeconds(1), 20, 5, 500,
                List.of(200d, 500d, 1_000d),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), 50,
                50, Duration.ofSeconds(1), Duration.ofSeconds(2),
                50, 16,
                4, 5, 20, Duration.ofSeconds(1), Duration.ofSeconds(2),
                20, 10,
                5, 20);
    }

    Settings withRuns(int n) {
        return new Settings(quick, n, users, warmUp, warmUpAcked, members, senders, referenceRate, sweepRates, stepWarm, stepMeasure,
                stepDrain, p99LimitMs, idleConnections, idleSettle, idleWindow, connectCount, connectInFlight,
                durableRooms, singleRoomSenders, durableWindow, durableWarm, durableMeasure, oneshotSamples,
                oneshotGapMillis, assistantWarmUp, assistantSamples);
    }
}
