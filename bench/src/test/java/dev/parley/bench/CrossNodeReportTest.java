package dev.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.bench.report.Results;
import dev.parley.bench.report.SweepKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossNodeReportTest {
    @TempDir
    Path dir;

    private static Results oneRun() {
        Results r = new Results();
        for (String setup : List.of(CrossNode.TWO, CrossNode.ONE)) {
            r.add(setup, 1, SweepKeys.key(1_000, "p50"), 1.25);
            r.add(setup, 1, SweepKeys.key(1_000, "p99"), 4.5);
            r.add(setup, 1, SweepKeys.key(1_000, "same.p50"), 1.0);
            r.add(setup, 1, SweepKeys.key(1_000, "same.p99"), 3.0);
            r.add(setup, 1, SweepKeys.key(1_000, "refetched"), Double.NaN);
        }
        r.add(CrossNode.TWO, 1, SweepKeys.key(1_000, "other.p50"), 2.0);
        r.add(CrossNode.TWO, 1, SweepKeys.key(1_000, "other.p99"), 6.0);
        r.add(CrossNode.ONE, 1, SweepKeys.key(1_000, "other.p50"), Double.NaN);
        r.add(CrossNode.TWO, 1, "cut.killed", 2);
        r.add(CrossNode.TWO, 1, "cut.busBackMs", 612);
        r.add(CrossNode.TWO, 1, "cut.caughtUpMs", 640);
        r.add(CrossNode.TWO, 1, "cut.refetched", 7);
        r.add(CrossNode.TWO, 1, "cut.lost", 0);
        r.add(CrossNode.TWO, 1, "cut.doubled", 0);
        r.failed(CrossNode.ONE, 1, "step 10000", "no answer within PT53S");
        return r;
    }

    @Test
    void aMeasurementReplacesItsOwnSectionAndLeavesTheSideBySideOneAlone() throws IOException {
        Path md = dir.resolve("performance.md");
        Files.writeString(md, "# Performance\n\n" + Report.START + "\nside by side results\n" + Report.END + "\n\n"
                + CrossNodeReport.START + "\nold cross-node results\n" + CrossNodeReport.END + "\n\ntrailing notes\n");
        new CrossNodeReport(CrossNodeSettings.measurement(), oneRun(), List.of("about the machine"))
                .write(md, dir.resolve("perf/cross-node.csv"));
        String doc = Files.readString(md);
        assertTrue(doc.contains(Report.START + "\nside by side results\n" + Report.END), doc);
        assertFalse(doc.contains("old cross-node results"), doc);
        assertTrue(doc.endsWith(CrossNodeReport.END + "\n\ntrailing notes\n"), doc);
        assertTrue(doc.contains("| two nodes | 1,000 | 1.25 | 4.50 | – | 1.00 / 3.00 | 2.00 / 6.00 |"), doc);
        assertTrue(doc.contains("| one node | 1,000 | 1.25 | 4.50 | – | 1.00 / 3.00 | – |"), doc);
        assertTrue(doc.contains("ms after the cut | 640 |"), doc);
        assertTrue(doc.contains("over the step) | 7 |"), doc);
        assertTrue(doc.contains("one node, run 1, step 10000: no answer within PT53S"), doc);
        assertFalse(doc.contains("SMOKE"), doc);
        assertEquals(20, Files.readAllLines(dir.resolve("perf/cross-node.csv")).size(), "a header and 19 values");
    }

    @Test
    void aSmokeRunWritesItsOwnFileLabelledAsSuch() throws IOException {
        Path md = dir.resolve("smoke/cross-node-smoke.md");
        new CrossNodeReport(CrossNodeSettings.smoke(), oneRun(), List.of()).write(md, dir.resolve("smoke/x.csv"));
        String doc = Files.readString(md);
        assertTrue(doc.contains("SMOKE RUN, NOT A MEASUREMENT"), doc);
        assertTrue(doc.contains("None of these numbers is a measurement"), doc);
    }

    @Test
    void aCounterIsReadFromPrometheusTextWithItsSeriesAddedUp() {
        String metrics = """
                # HELP parley_cluster_refetched_total Messages read from the database
                # TYPE parley_cluster_refetched_total counter
                parley_cluster_refetched_total{reason="gap"} 3.0
                parley_cluster_refetched_total{reason="catch-up"} 4.0
                parley_cluster_refetched_totalx 100.0
                parley_cluster_received_total 12.0
                """;
        assertEquals(7.0, CrossNode.counter(metrics, CrossNode.REFETCHED));
        assertEquals(12.0, CrossNode.counter(metrics, "parley_cluster_received_total"));
        assertTrue(Double.isNaN(CrossNode.counter(metrics, "parley_messages_stored_total")));
    }
}
