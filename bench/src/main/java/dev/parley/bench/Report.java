package dev.parley.bench;

import dev.parley.bench.report.Charts;
import dev.parley.bench.report.Results;
import dev.parley.bench.report.Stats;
import dev.parley.bench.report.SweepKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the dated results section (tables with the spread of the runs) and the PNG charts. A measurement replaces the
 * section between the markers in docs/performance.md; a smoke run writes a file of its own, labelled as such.
 */
final class Report {
    static final String START = "<!-- bench:side-by-side:start -->";
    static final String END = "<!-- bench:side-by-side:end -->";
    private final Settings settings;
    private final Results results;
    private final List<String> servers;
    private final List<String> about;

    Report(Settings settings, Results results, List<String> servers, List<String> about) {
        this.settings = settings;
        this.results = results;
        this.servers = servers;
        this.about = about;
    }

    void write(Path markdown, Path chartsDir) throws IOException {
        Path latency = chartsDir.resolve("latency.png");
        Path cpu = chartsDir.resolve("cpu-per-1000.png");
        Charts.latency(results, servers, settings.sweepRates(), latency);
        Charts.cpu(results, servers, settings.sweepRates(), cpu);
        writeCsv(results, chartsDir.resolve(settings.quick() ? "results-smoke.csv" : "results.csv"));
        String section = section(markdown.getParent().relativize(latency), markdown.getParent().relativize(cpu));
        Files.createDirectories(markdown.getParent());
        if (settings.quick()) {
            Files.writeString(markdown, "# Side-by-side benchmark: smoke run example\n\n" + section);
            return;
        }
        replaceSection(markdown, START, END, section);
    }

    /**
     * Replaces what lies between {@code start} and {@code end} (the markers included; {@code section} carries them)
     * in the file, or appends {@code section} when the markers are not there.
     */
    static void replaceSection(Path markdown, String start, String end, String section) throws IOException {
        Files.createDirectories(markdown.toAbsolutePath().getParent());
        String doc = Files.exists(markdown) ? Files.readString(markdown) : "";
        int s = doc.indexOf(start);
        int e = doc.indexOf(end);
        String updated;
        if (s >= 0 && e > s) {
            int after = e + end.length();
            if (after < doc.length() && doc.charAt(after) == '\n') {
                after++;
            }
            updated = doc.substring(0, s) + section + doc.substring(after);
        } else {
            updated = doc + "\n" + section;
        }
        Files.writeString(markdown, updated);
    }

    private String section(Path latencyPng, Path cpuPng) {
        StringBuilder md = new StringBuilder(START).append('\n');
        md.append("### Results of ").append(LocalDate.now()).append(settings.quick() ? " — SMOKE RUN, NOT A MEASUREMENT" : "")
                .append("\n\n");
        if (settings.quick()) {
            md.append("> **Smoke run** (`bench/run.sh --quick`): tiny loads for a few seconds each, on a machine shared "
                    + "with other work. It only shows that every scenario runs end to end against every server. "
                    + "None of these numbers is a measurement.\n\n");
        }
        for (String line : about) {
            md.append("- ").append(line).append('\n');
        }
        md.append("- each cell: median of the runs, (lowest–highest) when there are several\n\n");
        summary(md);
        targets(md);
        sweep(md);
        md.append("![delivery latency against offered load](").append(latencyPng).append(")\n\n");
        md.append("![server CPU per 1,000 deliveries](").append(cpuPng).append(")\n\n");
        ceiling(md);
        failures(md);
        md.append(END).append('\n');
        return md.toString();
    }

    private void summary(StringBuilder md) {
        long ref = (long) settings.referenceRate();
        md.append("| measure |");
        servers.forEach(s -> md.append(' ').append(s).append(" |"));
        md.append("\n|---|");
        servers.forEach(s -> md.append("---|"));
        md.append('\n');
        String room = "one room of " + settings.members() + ", " + settings.senders() + " senders, open loop";
        row(md, "delivery latency at " + fmt(ref) + " deliveries/s (" + room + "), p50 / p99 ms",
                s -> pair(s, SweepKeys.key(ref, "p50"), SweepKeys.key(ref, "p99"), "%.2f"));
        row(md, "server CPU at " + fmt(ref) + " deliveries/s, % of a core",
                s -> one(s, SweepKeys.key(ref, "serverCpu"), "%.1f"));
        row(md, "server CPU per 1,000 deliveries at " + fmt(ref) + "/s, ms",
                s -> one(s, SweepKeys.key(ref, "cpuPer1000"), "%.3f"));
        row(md, "deliveries lost at " + fmt(ref) + "/s", s -> one(s, SweepKeys.key(ref, "lost"), "%.0f"));
        row(md, "highest fan-out with p99 ≤ " + fmt((long) settings.p99LimitMs()) + " ms and nothing lost, deliveries/s "
                + "(server CPU % there; none: not even the lowest step)", s -> switch (one(s, "capacity", "%.0f")) {
                    case "–" -> "–";
                    case "0" -> "none";
                    case String c -> c + " (" + one(s, "capacity.cpu", "%.0f") + ")";
                });
        row(md, "server CPU with " + fmt(settings.idleConnections()) + " idle connections (heartbeats included), % of a core",
                s -> one(s, "idle.cpu", "%.2f"));
        row(md, "RSS growth per idle connection at " + fmt(settings.idleConnections()) + ", KiB",
                s -> one(s, "idle.rssPerConn", "%.1f"));
        row(md, "time to open " + fmt(settings.connectCount()) + " authenticated connections, each joining a room ("
                + settings.connectInFlight() + " in flight), s", s -> one(s, "connect.seconds", "%.2f"));
        row(md, "acked messages/s, " + settings.durableRooms() + " rooms, one sender each, ≤ " + settings.durableWindow()
                + " unacked (ack p50 / p99 ms)", s -> one(s, "durable64.rate", "%.0f") + " ("
                + pair(s, "durable64.p50", "durable64.p99", "%.1f") + ")");
        row(md, "acked messages/s, one room, " + settings.singleRoomSenders() + " senders, ≤ " + settings.durableWindow()
                + " unacked each (ack p50 / p99 ms)", s -> one(s, "durable1.rate", "%.0f") + " ("
                + pair(s, "durable1.p50", "durable1.p99", "%.1f") + ")");
        row(md, "one message on an idle server, send → ack p50 / p99 ms",
                s -> pair(s, "oneshot.p50", "oneshot.p99", "%.2f"));
        row(md, "ping → pong on the same socket, p50 / p99 ms", s -> pair(s, "ping.p50", "ping.p99", "%.2f"));
        row(md, "the assistant (Parley only), a new question: send_message → first assistant_delta, less the stand-in "
                + "model's own time to its first line (asked directly), p50 / p99 ms", s -> pair(s, "assistant.added.p50",
                "assistant.added.p99", "%.2f"));
        row(md, "the stand-in model asked directly, request → first line, p50 / p99 ms",
                s -> pair(s, "assistant.direct.p50", "assistant.direct.p99", "%.2f"));
        row(md, "the assistant, a repeated question answered from the cache: send_message → stored reply, p50 / p99 ms",
                s -> pair(s, "assistant.hit.p50", "assistant.hit.p99", "%.2f"));
        row(md, "error frames and unexpected closes (idle / connect / one message)",
                s -> one(s, "idle.errors", "%.0f") + " / " + one(s, "connect.errors", "%.0f") + " / "
                        + one(s, "oneshot.errors", "%.0f"));
        md.append("\nThe peers keep nothing: their acks follow the broadcast, Parley's follow the commit. socket.io has "
                + "no client ping (Engine.IO pings come from the server), hence no ping row for it.\n\n");
    }

    /** Issue 8's targets for Parley, judged on the medians of the runs (peers only as the yardstick). */
    private void targets(StringBuilder md) {
        if (!servers.contains("parley")) {
            return;
        }
        long ref = (long) settings.referenceRate();
        md.append(settings.quick() ? "Issue 8's targets, judged on the medians above (smoke loads: these verdicts mean "
                + "nothing):\n\n" : "Issue 8's targets, judged on the medians above:\n\n");
        md.append("| target | Parley | verdict |\n|---|---|---|\n");
        double p50 = med("parley", SweepKeys.key(ref, "p50"));
        double p99 = med("parley", SweepKeys.key(ref, "p99"));
        target(md, "latency at " + fmt(ref) + " deliveries/s: p50 ≤ 2 ms, p99 ≤ 10 ms",
                String.format(Locale.ROOT, "%.2f / %.2f ms", p50, p99), p50 <= 2 && p99 <= 10, p50, p99);
        double cpu = med("parley", SweepKeys.key(ref, "serverCpu"));
        double vertxCpu = med("vertx", SweepKeys.key(ref, "serverCpu"));
        target(md, "server CPU at " + fmt(ref) + " deliveries/s ≤ 1.5 × raw Vert.x's",
                String.format(Locale.ROOT, "%.1f %% (Vert.x %.1f %%)", cpu, vertxCpu), cpu <= 1.5 * vertxCpu, cpu,
                vertxCpu);
        double capacity = med("parley", "capacity");
        double vertxCapacity = med("vertx", "capacity");
        target(md, "fan-out capacity ≥ raw Vert.x's", String.format(Locale.ROOT, "%s (Vert.x %s)", fmt((long) capacity),
                fmt((long) vertxCapacity)), capacity >= vertxCapacity, capacity, vertxCapacity);
        double idle = med("parley", "idle.cpu");
        target(md, "idle: ≤ 1 % of a core with " + fmt(settings.idleConnections()) + " connections",
                String.format(Locale.ROOT, "%.2f %%", idle), idle <= 1, idle);
        double rss = med("parley", "idle.rssPerConn");
        target(md, "RSS per idle connection ≤ 20 KB", String.format(Locale.ROOT, "%.1f KiB", rss), rss <= 20, rss);
        double connect = med("parley", "connect.seconds");
        double vertxConnect = med("vertx", "connect.seconds");
        target(md, "opening " + fmt(settings.connectCount()) + " connections ≤ 1.5 × raw Vert.x's time",
                String.format(Locale.ROOT, "%.2f s (Vert.x %.2f s)", connect, vertxConnect),
                connect <= 1.5 * vertxConnect, connect, vertxConnect);
        double oneP50 = med("parley", "oneshot.p50");
        double oneP99 = med("parley", "oneshot.p99");
        target(md, "one message on an idle server, send → ack: p50 ≤ 1 ms, p99 ≤ 5 ms",
                String.format(Locale.ROOT, "%.2f / %.2f ms", oneP50, oneP99), oneP50 <= 1 && oneP99 <= 5, oneP50, oneP99);
        double many = med("parley", "durable64.rate");
        target(md, "acked messages/s, " + settings.durableRooms() + " rooms: ≥ 20,000 (H2) / ≥ 10,000 (PostgreSQL)",
                String.format(Locale.ROOT, "%s/s", fmt((long) many)), many >= 20_000, many);
        double single = med("parley", "durable1.rate");
        target(md, "acked messages/s into a single room ≥ 5,000", String.format(Locale.ROOT, "%s/s", fmt((long) single)),
                single >= 5_000, single);
        double addedP50 = med("parley", "assistant.added.p50");
        double addedP99 = med("parley", "assistant.added.p99");
        target(md, "the assistant's added time to the first token: p50 ≤ 2 ms, p99 ≤ 10 ms",
                String.format(Locale.ROOT, "%.2f / %.2f ms", addedP50, addedP99), addedP50 <= 2 && addedP99 <= 10,
                addedP50, addedP99);
        double hitP99 = med("parley", "assistant.hit.p99");
        target(md, "the assistant, a cached turn from send_message to the stored reply: p99 ≤ 5 ms",
                String.format(Locale.ROOT, "%.2f ms", hitP99), hitP99 <= 5, hitP99);
        md.append("\nThe 20,000/s durable target is for H2; on PostgreSQL read it against 10,000/s.\n\n");
    }

    private double med(String server, String key) {
        return Stats.median(results.of(server, key));
    }

    private static void target(StringBuilder md, String target, String value, boolean met, double... inputs) {
        boolean measured = java.util.Arrays.stream(inputs).noneMatch(Double::isNaN);
        md.append("| ").append(target).append(" | ").append(measured ? value : "–").append(" | ")
                .append(measured ? (met ? "met" : "**not met**") : "not measured").append(" |\n");
    }

    private void sweep(StringBuilder md) {
        md.append("Latency sweep (capacity search): each step ").append(settings.stepWarm().toSeconds())
                .append(" s warm-up then ").append(settings.stepMeasure().toSeconds())
                .append(" s measured; latency from each message's intended send time to its delivery at every member.\n\n");
        md.append("| server | offered deliveries/s | p50 ms | p99 ms | max ms | lost | server CPU % | CPU ms / 1,000 | generator CPU % |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (String s : servers) {
            for (double rate : settings.sweepRates()) {
                if (results.of(s, SweepKeys.key(rate, "p99")).isEmpty()) {
                    continue;
                }
                md.append("| ").append(s).append(" | ").append(fmt((long) rate));
                for (String metric : List.of("p50", "p99", "max", "lost", "serverCpu", "cpuPer1000", "genCpu")) {
                    String format = switch (metric) {
                        case "lost" -> "%.0f";
                        case "serverCpu", "genCpu" -> "%.1f";
                        case "cpuPer1000" -> "%.3f";
                        default -> "%.2f";
                    };
                    md.append(" | ").append(one(s, SweepKeys.key(rate, metric), format));
                }
                md.append(" |\n");
            }
        }
        md.append('\n');
    }

    /**
     * The generator's own ceiling, from its CPU at the heaviest step of any server: deliveries it handles per second of
     * its core. Steps where it used 80 % of its core or more measure the generator as much as the server.
     */
    private void ceiling(StringBuilder md) {
        double bestCpu = 0;
        double bestRate = 0;
        String bestServer = "";
        for (String s : servers) {
            for (double rate : settings.sweepRates()) {
                List<Double> cpu = results.of(s, SweepKeys.key(rate, "genCpu"));
                if (!cpu.isEmpty() && Stats.median(cpu) > bestCpu) {
                    bestCpu = Stats.median(cpu);
                    bestRate = rate;
                    bestServer = s;
                }
            }
        }
        md.append("**The generator's own ceiling.** ");
        if (bestCpu < 20) {
            md.append(String.format(Locale.ROOT, "Not estimated: the generator never used more than %.0f %% of its core, "
                    + "too little to extrapolate from.%n%n", bestCpu));
            return;
        }
        double ceiling = bestRate / (bestCpu / 100);
        md.append(String.format(Locale.ROOT, "At its heaviest step (%s deliveries/s against %s) the generator (one "
                + "event loop, parsing every frame as JSON) used %.0f %% of its core, so it handles at most about %s "
                + "deliveries/s%s. Sweep steps where its CPU is 80 %% or more measure the generator as much as the "
                + "server: read them as a lower bound on the server.%n%n", fmt((long) bestRate), bestServer, bestCpu,
                fmt((long) ceiling), bestCpu >= 90 ? " (measured at saturation)" : " (extrapolated linearly)"));
    }

    private void failures(StringBuilder md) {
        Map<String, List<String>> failed = results.failures();
        if (failed.isEmpty()) {
            return;
        }
        md.append("Scenarios that failed (no number recorded):\n\n");
        failed.forEach((server, list) -> list.forEach(f -> md.append("- ").append(server).append(", ").append(f)
                .append('\n')));
        md.append('\n');
    }

    /** Every value of every run, one a line. */
    static void writeCsv(Results results, Path csv) throws IOException {
        Files.createDirectories(csv.getParent());
        StringBuilder out = new StringBuilder("server,run,metric,value\n");
        for (Results.Value v : results.all()) {
            out.append(v.server()).append(',').append(v.run()).append(',').append(v.key()).append(',')
                    .append(String.format(Locale.ROOT, "%.4f", v.value())).append('\n');
        }
        Files.writeString(csv, out);
    }

    private interface Cell {
        String of(String server);
    }

    private void row(StringBuilder md, String label, Cell cell) {
        md.append("| ").append(label).append(" |");
        servers.forEach(s -> md.append(' ').append(cell.of(s)).append(" |"));
        md.append('\n');
    }

    private String one(String server, String key, String format) {
        return Stats.spread(results.of(server, key), format);
    }

    private String pair(String server, String a, String b, String format) {
        String x = one(server, a, format);
        String y = one(server, b, format);
        return x.equals("–") && y.equals("–") ? "–" : x + " / " + y;
    }

    private static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
