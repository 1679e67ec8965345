package dev.parley.bench.report;

import java.util.List;
import java.util.Locale;

/** Median and spread of a metric over runs, formatted for the tables. */
public final class Stats {
    private Stats() {
    }

    /** Median of the values that were measured (NaN stands for "not measured" and is left out). */
    public static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * "median (lowest–highest)" over the runs that measured it; only the value when there is one or all agree as
     * formatted; "–" when none did.
     */
    public static String spread(List<Double> values, String format) {
        List<Double> measured = values.stream().filter(d -> !Double.isNaN(d)).toList();
        if (measured.isEmpty()) {
            return "–";
        }
        String m = String.format(Locale.ROOT, format, median(measured));
        String min = String.format(Locale.ROOT, format, measured.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
        String max = String.format(Locale.ROOT, format, measured.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        return min.equals(max) ? m : m + " (" + min + "–" + max + ")";
    }
}
