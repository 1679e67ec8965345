package dev.parley.bench;

import java.time.Duration;
import java.util.List;

/**
 * How big the cross-node mode is ({@link CrossNode}). {@link #measurement()}: issue 10's loads, a few minutes in all;
 * {@link #smoke()}: tiny loads for seconds, only proving the mode works, labelled a smoke run wherever it is written.
 *
 * @param members    the room's members, connection i on node i % 2 (all on one node for the comparison)
 * @param senders    the first {@code senders} members send, in turn, so they alternate between the nodes
 * @param warmUp     a step at {@code warmUpRate} before anything is recorded (both nodes' JIT, the pools)
 * @param rates      offered deliveries/s (messages/s × members) of the recorded steps
 * @param cutRate    the steady flow during which the nodes' pub/sub connections are cut
 * @param cutAfter   when the cut comes, counted from the start of the cut step's measured window
 * @param late       a message that reaches a node's members this long or more after it was due counts as late there
 */
record CrossNodeSettings(
        boolean quick,
        int runs,
        int members,
        int senders,
        Duration warmUp,
        double warmUpRate,
        List<Double> rates,
        Duration stepWarm,
        Duration stepMeasure,
        Duration stepDrain,
        double cutRate,
        Duration cutMeasure,
        Duration cutAfter,
        Duration late) {

    static CrossNodeSettings measurement() {
        return new CrossNodeSettings(false, 1, 100, 10, Duration.ofSeconds(10), 1_000, List.of(1_000d, 10_000d),
                Duration.ofSeconds(3), Duration.ofSeconds(15), Duration.ofSeconds(5),
                1_000, Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofMillis(50));
    }

    static CrossNodeSettings smoke() {
        return new CrossNodeSettings(true, 1, 20, 4, Duration.ofSeconds(2), 200, List.of(200d, 1_000d),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
                200, Duration.ofSeconds(4), Duration.ofMillis(1_500), Duration.ofMillis(50));
    }

    CrossNodeSettings withRuns(int n) {
        return new CrossNodeSettings(quick, n, members, senders, warmUp, warmUpRate, rates, stepWarm, stepMeasure,
                stepDrain, cutRate, cutMeasure, cutAfter, late);
    }
}
