package dev.parley.bench;

import dev.parley.bench.report.Results;
import dev.parley.bench.report.Stats;
import dev.parley.bench.report.SweepKeys;
import dev.parley.bench.scenario.Catchup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the cross-node results ({@link CrossNode}): a measurement replaces the section between its markers in
 * docs/performance.md (the side-by-side section is left alone); a smoke run writes a file of its own, labelled as such.
 */
final class CrossNodeReport {
    static final String START = "<!-- bench:cross-node:start -->";
    static final String END = "<!-- bench:cross-node:end -->";
    private final CrossNodeSettings settings;
    private final Results results;
    private final List<String> about;

    CrossNodeReport(CrossNodeSettings settings, Results results, List<String> about) {
        this.settings = settings;
        this.results = results;
        this.about = about;
    }

    void write(Path markdown, Path csv) throws IOException {
        Report.writeCsv(results, csv);
        String section = section();
        if (settings.quick()) {
            Files.createDirectories(markdown.getParent());
            Files.writeString(markdown, "# Cross-node benchmark: smoke run example\n\n" + section);
            return;
        }
        Report.replaceSection(markdown, START, END, section);
    }

    String section() {
        StringBuilder md = new StringBuilder(START).append('\n');
        md.append("### Results of ").append(LocalDate.now()).append(settings.quick() ? " — SMOKE RUN, NOT A MEASUREMENT" : "")
                .append("\n\n");
        if (settings.quick()) {
            md.append("> **Smoke run** (`bench/run.sh --cross-node --quick`): a room of ").append(settings.members())
                    .append(", tiny loads for a few seconds each, on a machine shared with other work. It only shows "
                            + "that the mode runs end to end. None of these numbers is a measurement.\n\n");
        }
        for (String line : about) {
            md.append("- ").append(line).append('\n');
        }
        md.append("- each cell: median of the runs, (lowest–highest) when there are several\n\n");
        latency(md);
        cut(md);
        failures(md);
        md.append(END).append('\n');
        return md.toString();
    }

    private void latency(StringBuilder md) {
        md.append("Delivery latency, one room of ").append(settings.members()).append(" (").append(settings.senders())
                .append(" senders, open loop; two nodes: every other member and sender on each node), each step ")
                .append(settings.stepWarm().toSeconds()).append(" s warm-up then ").append(settings.stepMeasure().toSeconds())
                .append(" s measured:\n\n");
        md.append("| setup | offered deliveries/s | p50 ms | p99 ms | max ms | on the sender's node p50 / p99 ms "
                + "| on the other node p50 / p99 ms | lost | doubled | read from the database | server CPU % "
                + "| CPU ms / 1,000 | generator CPU % |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (double rate : settings.rates()) {
            for (String setup : List.of(CrossNode.TWO, CrossNode.ONE)) {
                if (results.of(setup, SweepKeys.key(rate, "p99")).isEmpty()) {
                    continue;
                }
                md.append("| ").append(setup).append(" | ").append(fmt((long) rate));
                for (String metric : List.of("p50", "p99", "max")) {
                    md.append(" | ").append(one(setup, SweepKeys.key(rate, metric), "%.2f"));
                }
                md.append(" | ").append(pair(setup, SweepKeys.key(rate, "same.p50"), SweepKeys.key(rate, "same.p99")));
                md.append(" | ").append(pair(setup, SweepKeys.key(rate, "other.p50"), SweepKeys.key(rate, "other.p99")));
                md.append(" | ").append(one(setup, SweepKeys.key(rate, "lost"), "%.0f"));
                md.append(" | ").append(one(setup, SweepKeys.key(rate, "doubled"), "%.0f"));
                md.append(" | ").append(one(setup, SweepKeys.key(rate, "refetched"), "%.0f"));
                md.append(" | ").append(one(setup, SweepKeys.key(rate, "serverCpu"), "%.1f"));
                md.append(" | ").append(one(setup, SweepKeys.key(rate, "cpuPer1000"), "%.3f"));
                md.append(" | ").append(one(setup, SweepKeys.key(rate, "genCpu"), "%.1f")).append(" |\n");
            }
        }
        md.append("\nServer CPU is both nodes' together, in % of one core. \"Read from the database\": the nodes' `")
                .append(CrossNode.REFETCHED).append("` over the step (– when the server does not expose it).\n\n");
    }

    private void cut(StringBuilder md) {
        String s = CrossNode.TWO;
        if (results.of(s, "cut.killed").isEmpty()) {
            return;
        }
        md.append(String.format(Locale.ROOT, "**The Redis cut.** During a steady %s deliveries/s across the two nodes, "
                        + "%.1f s into a %d s measured window, both nodes' pub/sub connections were killed "
                        + "(`CLIENT KILL ID … TYPE pubsub`):%n%n", fmt((long) settings.cutRate()),
                settings.cutAfter().toMillis() / 1000.0, settings.cutMeasure().toSeconds()));
        md.append("| measure | value |\n|---|---|\n");
        md.append("| pub/sub connections killed | ").append(one(s, "cut.killed", "%.0f")).append(" |\n");
        md.append("| both nodes subscribed again (`/q/health/ready`, polled every 20 ms), ms after the cut | ")
                .append(one(s, "cut.busBackMs", "%.0f")).append(" |\n");
        md.append("| **every member has every message again**: the last message due before both nodes were back "
                + "reached its last member, ms after the cut | ").append(one(s, "cut.caughtUpMs", "%.0f")).append(" |\n");
        md.append("| messages due from ").append(Catchup.LOOKBACK.toSeconds()).append(" s before the cut until both "
                + "nodes were back / of those late (≥ ").append(settings.late().toMillis())
                .append(" ms after they were due) at the members on the other node / on the sender's node | ")
                .append(one(s, "cut.window", "%.0f")).append(" / ").append(one(s, "cut.lateOther", "%.0f"))
                .append(" / ").append(one(s, "cut.lateSame", "%.0f")).append(" |\n");
        md.append("| **messages the nodes read from the database** (`").append(CrossNode.REFETCHED)
                .append("`, both nodes, over the step) | ").append(refetched(s)).append(" |\n");
        md.append("| messages sent in the measured window / deliveries expected | ").append(one(s, "cut.messages", "%.0f"))
                .append(" / ").append(one(s, "cut.expected", "%.0f")).append(" |\n");
        md.append("| **lost / doubled** deliveries, error frames | ").append(one(s, "cut.lost", "%.0f")).append(" / ")
                .append(one(s, "cut.doubled", "%.0f")).append(", ").append(one(s, "cut.errors", "%.0f")).append(" |\n");
        md.append("| latency over the window p50 / p99 / max ms | ").append(one(s, "cut.p50", "%.2f")).append(" / ")
                .append(one(s, "cut.p99", "%.2f")).append(" / ").append(one(s, "cut.max", "%.2f")).append(" |\n");
        md.append("| the longest wait at the sender's node / at the other node, ms | ").append(one(s, "cut.same.max", "%.2f"))
                .append(" / ").append(one(s, "cut.other.max", "%.2f")).append(" |\n\n");
    }

    private String refetched(String setup) {
        String value = one(setup, "cut.refetched", "%.0f");
        return value.equals("–") ? "not exposed by this build" : value;
    }

    private void failures(StringBuilder md) {
        Map<String, List<String>> failed = results.failures();
        if (failed.isEmpty()) {
            return;
        }
        md.append("Steps that failed (no number recorded):\n\n");
        failed.forEach((setup, list) -> list.forEach(f -> md.append("- ").append(setup).append(", ").append(f)
                .append('\n')));
        md.append('\n');
    }

    private String one(String setup, String key, String format) {
        return Stats.spread(results.of(setup, key), format);
    }

    private String pair(String setup, String a, String b) {
        String x = one(setup, a, "%.2f");
        String y = one(setup, b, "%.2f");
        return x.equals("–") && y.equals("–") ? "–" : x + " / " + y;
    }

    private static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
