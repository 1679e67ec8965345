package dev.parley.bench.report;

import java.util.List;
import java.util.Locale;

/** Median and spread of a metric over runs, formatted for the tables. */
public final class Stats {
    private Stats() {
    }

    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** "median (min–max)" over the runs, "x" for a single run, "–" for none. */
    public static String spread(List<Double> values, String format) {
        if (values.isEmpty() || values.stream().allMatch(d -> d.isNaN())) {
            return "–";
        }
        String m = String.format(Locale.ROOT, format, median(values));
        if (values.size() == 1) {
            return m;
        }
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return m + " (" + String.format(Locale.ROOT, format, min) + "–" + String.format(Locale.ROOT, format, max) + ")";
    }
}
