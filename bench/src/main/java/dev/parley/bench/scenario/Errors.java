package dev.parley.bench.scenario;

import java.util.ArrayList;
import java.util.List;

/** Errors seen by a scenario's connections: counted, the first few kept verbatim for the report. Event loop only. */
final class Errors {
    private static final int KEPT = 5;
    private final List<String> first = new ArrayList<>();
    private long count;

    void add(String what) {
        if (count++ < KEPT) {
            first.add(what);
            System.err.println("  ! " + what);
        }
    }

    long count() {
        return count;
    }

    List<String> first() {
        return List.copyOf(first);
    }
}
