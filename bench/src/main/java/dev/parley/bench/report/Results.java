package dev.parley.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every number of every run, by server and metric key; and what failed. */
public final class Results {
    /** One measured value. */
    public record Value(String server, int run, String key, double value) {
    }

    private final List<Value> values = new ArrayList<>();
    private final Map<String, List<String>> failures = new LinkedHashMap<>();

    public synchronized void add(String server, int run, String key, double value) {
        values.add(new Value(server, run, key, value));
    }

    public synchronized void failed(String server, int run, String scenario, String why) {
        failures.computeIfAbsent(server, s -> new ArrayList<>()).add("run " + run + ", " + scenario + ": " + why);
    }

    /** The values of one metric for one server, one per run that measured it. */
    public synchronized List<Double> of(String server, String key) {
        return values.stream().filter(v -> v.server().equals(server) && v.key().equals(key)).map(Value::value).toList();
    }

    /** A scenario that may fail. */
    public interface Scenario {
        void run() throws Exception;
    }

    /** Runs one scenario; a failure is printed and recorded for the report, and the caller goes on with the next. */
    public void attempt(String server, int run, String name, Scenario scenario) {
        try {
            scenario.run();
        } catch (Exception | AssertionError e) {
            System.out.printf("  %s FAILED: %s%n", name, e);
            failed(server, run, name, String.valueOf(e.getMessage()));
        }
    }

    public synchronized List<Value> all() {
        return List.copyOf(values);
    }

    public synchronized Map<String, List<String>> failures() {
        return Map.copyOf(failures);
    }
}
