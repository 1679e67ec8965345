package dev.parley.bench.report;

/** Result keys of the latency sweep: {@code sweep.<rate>.<metric>}. */
public final class SweepKeys {
    private SweepKeys() {
    }

    public static String key(double rate, String metric) {
        return "sweep." + (long) rate + "." + metric;
    }
}
