package dev.parley.bench;

import dev.parley.bench.client.ParleyTarget;
import dev.parley.bench.client.SplitTarget;
import dev.parley.bench.report.Results;
import dev.parley.bench.report.SweepKeys;
import dev.parley.bench.scenario.Catchup;
import dev.parley.bench.scenario.Fanout;
import dev.parley.bench.scenario.Loop;
import dev.parley.bench.server.Measured;
import dev.parley.bench.server.RedisCut;
import dev.parley.bench.server.ServerUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Issue 10's cross-node measurement ({@code bench/run.sh --cross-node}): two Parley nodes from the one package, on
 * one PostgreSQL database (wiped by the first node's start) and one Redis, with one {@code SECRET_KEY} and a bus
 * channel of their own, both pinned to the server core(s). One room, connection i on node i % 2, so members and
 * senders alternate between the nodes:
 * <ol>
 *   <li>a warm-up step, then the {@link CrossNodeSettings#rates()} steps ({@link Fanout}, open loop), the latency
 *       split between the members on the sender's node and the others;</li>
 *   <li>the Redis cut: during a steady {@link CrossNodeSettings#cutRate()} flow, the nodes' pub/sub connections are
 *       killed ({@link RedisCut}); recorded: when both nodes are subscribed again ({@code /q/health/ready}), when every
 *       member had every message sent until then and how many came late ({@link Catchup}), what the nodes read from
 *       the database to fill the gap (their {@value #REFETCHED} counter, when they expose it), lost and doubled
 *       deliveries;</li>
 *   <li>the second node stopped, the same room with every member on the first node: the same steps, single node.</li>
 * </ol>
 */
final class CrossNode {
    static final String TWO = "two nodes";
    static final String ONE = "one node";
    /** The nodes' counter of messages read from the database because the bus did not bring them (Prometheus name). */
    static final String REFETCHED = "parley_cluster_refetched_total";
    private static final Duration BUS_FORMED_WITHIN = Duration.ofSeconds(30);
    private static final Duration BUS_BACK_WITHIN = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 20;

    private final CrossNodeSettings settings;
    private final Path repo;
    private final String serverCpus;
    private final String databaseUrl;
    private final Results results = new Results();

    private CrossNode(CrossNodeSettings settings, Path repo, String serverCpus) {
        this.settings = settings;
        this.repo = repo;
        this.serverCpus = serverCpus;
        this.databaseUrl = System.getenv().getOrDefault("BENCH_DATABASE_URL",
                "jdbc:postgresql://127.0.0.1:5432/bench_nodes");
    }

    static void main(Map<String, String> opts) throws Exception {
        CrossNodeSettings settings = opts.containsKey("quick") ? CrossNodeSettings.smoke() : CrossNodeSettings.measurement();
        if (opts.containsKey("runs")) {
            settings = settings.withRuns(Integer.parseInt(opts.get("runs")));
        }
        Path repo = Path.of(opts.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        Path out = repo.resolve(opts.getOrDefault("out", settings.quick()
                ? "docs/perf/smoke/cross-node-smoke.md" : "docs/performance.md"));
        Path csv = repo.resolve(settings.quick() ? "docs/perf/smoke/cross-node-smoke.csv" : "docs/perf/cross-node.csv");
        CrossNode bench = new CrossNode(settings, repo, opts.getOrDefault("server-cpus", "0"));
        if (!bench.databaseUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--cross-node needs PostgreSQL: BENCH_DATABASE_URL=" + bench.databaseUrl);
        }
        LocalDateTime started = LocalDateTime.now();
        long t0 = System.nanoTime();
        Path runs = repo.resolve("bench/target/runs").resolve(started.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        System.out.println("== making sure the package is built for PostgreSQL");
        ParleyLaunch.buildFor(repo, "postgresql", runs);
        try (Loop loop = new Loop()) {
            for (int run = 1; run <= settings.runs(); run++) {
                int r = run;
                bench.results.attempt(TWO, run, "start", () -> bench.run(loop, r, runs.resolve("cross-node-" + r)));
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        new CrossNodeReport(settings, bench.results, bench.describe(took, started)).write(out, csv);
        System.out.println("results written to " + out + " and " + csv);
    }

    private List<String> describe(Duration took, LocalDateTime started) {
        return List.of(
                "started " + started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")) + ", took "
                        + took.toMinutes() + " min " + took.toSecondsPart() + " s, " + settings.runs()
                        + (settings.runs() == 1 ? " run" : " runs"),
                "machine: " + Environment.describe(repo),
                "both nodes pinned with `taskset -c " + serverCpus + "`; generator: " + Environment.affinity()
                        + ", one Vert.x event loop, JDK " + Runtime.version()
                        + "; PostgreSQL and Redis are the machine's services, not pinned",
                "nodes: `" + ParleyLaunch.jvmFlags() + "`, database `" + databaseUrl + "` (wiped at the first node's "
                        + "start), Redis `" + ParleyLaunch.redisUrl() + "`, `CLUSTER_BUS=on`, a bus channel per run");
    }

    /** One run: both nodes, the cross-node steps and the cut, then the first node alone. */
    private void run(Loop loop, int run, Path work) throws Exception {
        String tag = Long.toString(System.currentTimeMillis() % 100_000_000L, 36) + run;
        Map<String, String> env = new HashMap<>(Map.of(
                "DATABASE_URL", databaseUrl,
                "DATABASE_USER", System.getenv().getOrDefault("BENCH_DATABASE_USER", "postgres"),
                "SECRET_KEY", secret(),
                "CLUSTER_BUS", "on",
                "CLUSTER_CHANNEL", "parley:bus:bench-" + ProcessHandle.current().pid() + "-" + tag));
        Map<String, String> first = new HashMap<>(env);
        first.put("NODE_ID", "bench-a");
        first.put("QUARKUS_FLYWAY_CLEAN_AT_START", "true"); // a database of its own, wiped: every run starts empty
        first.put("QUARKUS_FLYWAY_CLEAN_DISABLED", "false");
        Map<String, String> second = new HashMap<>(env);
        second.put("NODE_ID", "bench-b");
        System.out.printf("== cross-node, run %d (work dir %s)%n", run, work);
        // one after the other: the first start runs the migrations, and two starts at once would race on them
        try (ServerUnderTest a = ServerUnderTest.start(ParleyLaunch.launch(repo, "node-a", work.resolve("node-a"), first),
                serverCpus)) {
            ParleyTarget onA = new ParleyTarget(loop.vertx(), "127.0.0.1", a.port(), "x" + tag);
            String room = "cross-" + tag;
            try (ServerUnderTest b = ServerUnderTest.start(ParleyLaunch.launch(repo, "node-b", work.resolve("node-b"),
                    second), serverCpus)) {
                List<ServerUnderTest> nodes = List.of(a, b);
                awaitBusFormed(nodes);
                onA.prepareUsers(settings.members());
                SplitTarget split = new SplitTarget(List.of(onA, onA.onNode(b.port())));
                Fanout fanout = new Fanout(loop, split, room, settings.members(), settings.senders(), split::nodeOf);
                fanout.open();
                try {
                    Measured both = Measured.sum(nodes);
                    results.attempt(TWO, run, "warm-up", () -> fanout.step("xw", settings.warmUpRate(), Duration.ZERO,
                            settings.warmUp(), settings.stepDrain(), both));
                    steps(fanout, TWO, run, "x", nodes);
                    results.attempt(TWO, run, "redis cut", () -> cut(fanout, nodes, run));
                } finally {
                    fanout.close();
                }
            }
            System.out.println("  second node stopped; the same room, every member on the first node");
            Fanout alone = new Fanout(loop, onA, room, settings.members(), settings.senders());
            alone.open();
            try {
                steps(alone, ONE, run, "o", List.of(a));
            } finally {
                alone.close();
            }
        }
    }

    private void steps(Fanout fanout, String setup, int run, String tagPrefix, List<ServerUnderTest> nodes) {
        int i = 0;
        for (double rate : settings.rates()) {
            String tag = tagPrefix + i++;
            results.attempt(setup, run, "step " + (long) rate, () -> {
                double before = refetched(nodes);
                Fanout.Step r = fanout.step(tag, rate, settings.stepWarm(), settings.stepMeasure(), settings.stepDrain(),
                        Measured.sum(nodes));
                record(setup, run, rate, r);
                put(setup, run, SweepKeys.key(rate, "refetched"), refetched(nodes) - before);
                System.out.printf("  %s, %,8.0f deliveries/s: p50 %7.2f p99 %7.2f max %7.2f ms (sender's node p50 %.2f "
                                + "p99 %.2f, other node p50 %.2f p99 %.2f), lost %d, doubled %d, errors %d, "
                                + "server CPU %5.1f %%, generator CPU %5.1f %%%n", setup, rate, r.p50(), r.p99(), r.max(),
                        r.sameNode().p50(), r.sameNode().p99(), r.otherNode().p50(), r.otherNode().p99(), r.lost(),
                        r.doubled(), r.errors(), r.serverCpuPct(), r.generatorCpuPct());
            });
        }
    }

    private void record(String setup, int run, double rate, Fanout.Step r) {
        Bench.record(results, setup, run, rate, r);
        put(setup, run, SweepKeys.key(rate, "doubled"), r.doubled());
        put(setup, run, SweepKeys.key(rate, "same.p50"), r.sameNode().p50());
        put(setup, run, SweepKeys.key(rate, "same.p99"), r.sameNode().p99());
        put(setup, run, SweepKeys.key(rate, "other.p50"), r.otherNode().p50());
        put(setup, run, SweepKeys.key(rate, "other.p99"), r.otherNode().p99());
    }

    /** What the cut did: when, how many connections, and when both nodes were subscribed again (0: not seen). */
    private record Cut(long atNanos, int killed, long backNanos) {
        double backMs() {
            return backNanos == 0 ? Double.NaN : (backNanos - atNanos) / 1e6;
        }
    }

    private void cut(Fanout fanout, List<ServerUnderTest> nodes, int run) throws Exception {
        RedisCut redis = new RedisCut(ParleyLaunch.redisUrl());
        List<Long> pids = nodes.stream().map(ServerUnderTest::pid).toList();
        double before = refetched(nodes);
        Duration delay = settings.stepWarm().plus(settings.cutAfter());
        CompletableFuture<Cut> cut = new CompletableFuture<>();
        Thread cutter = Thread.ofPlatform().name("redis-cut").start(() -> {
            try {
                Thread.sleep(delay.toMillis()); // the cut's place in the flow: a schedule, not a wait for an outcome
                long at = System.nanoTime();
                int killed = redis.cut(pids);
                cut.complete(new Cut(at, killed, awaitBusBack(nodes, at)));
            } catch (Throwable e) {
                cut.completeExceptionally(e);
            }
        });
        Fanout.Step r;
        try {
            r = fanout.step("xc", settings.cutRate(), settings.stepWarm(), settings.cutMeasure(), settings.stepDrain(),
                    Measured.sum(nodes));
        } finally {
            cutter.join(BUS_BACK_WITHIN.plus(delay).toMillis());
        }
        Cut c = cut.get(1, TimeUnit.SECONDS);
        double refetched = refetched(nodes) - before;
        Catchup caught = c.backNanos() == 0 ? new Catchup(Double.NaN, 0, 0, 0)
                : Catchup.of(r.timeline(), c.atNanos(), c.backNanos(), settings.late());
        put(TWO, run, "cut.killed", c.killed());
        put(TWO, run, "cut.busBackMs", c.backMs());
        put(TWO, run, "cut.caughtUpMs", caught.caughtUpMs());
        put(TWO, run, "cut.window", caught.messages());
        put(TWO, run, "cut.lateOther", caught.lateOnOtherNode());
        put(TWO, run, "cut.lateSame", caught.lateOnSendersNode());
        put(TWO, run, "cut.refetched", refetched);
        put(TWO, run, "cut.messages", r.messages());
        put(TWO, run, "cut.expected", r.expected());
        put(TWO, run, "cut.lost", r.lost());
        put(TWO, run, "cut.doubled", r.doubled());
        put(TWO, run, "cut.errors", r.errors());
        put(TWO, run, "cut.p50", r.p50());
        put(TWO, run, "cut.p99", r.p99());
        put(TWO, run, "cut.max", r.max());
        put(TWO, run, "cut.same.max", r.sameNode().max());
        put(TWO, run, "cut.other.max", r.otherNode().max());
        System.out.printf("  redis cut at %,.0f deliveries/s: %d pub/sub connections killed; both nodes subscribed again "
                        + "after %.0f ms; every member had every message due until then %.0f ms after the cut; of those "
                        + "%d messages, %d late (>= %d ms) on the other node, %d on the sender's; read from the "
                        + "database: %s; lost %d, doubled %d, errors %d; p50 %.2f p99 %.2f max %.2f ms%n",
                settings.cutRate(), c.killed(), c.backMs(), caught.caughtUpMs(), caught.messages(),
                caught.lateOnOtherNode(), settings.late().toMillis(), caught.lateOnSendersNode(),
                Double.isNaN(refetched) ? "not exposed (" + REFETCHED + ")" : String.format("%.0f", refetched),
                r.lost(), r.doubled(), r.errors(), r.p50(), r.p99(), r.max());
    }

    /** Waits until every node reports its bus connected and hears all the others. */
    private static void awaitBusFormed(List<ServerUnderTest> nodes) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BUS_FORMED_WITHIN.toNanos();
        while (true) {
            boolean formed = true;
            for (ServerUnderTest node : nodes) {
                JsonObject bus = bus(node);
                formed &= "connected".equals(bus.getString("bus")) && bus.getInteger("peers", 0) >= nodes.size() - 1;
            }
            if (formed) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the nodes did not hear each other within " + BUS_FORMED_WITHIN);
            }
            Thread.sleep(POLL_MILLIS); // polling other processes' state: there is nothing to wait on
        }
    }

    /**
     * Polls every node's readiness until each has reported its bus cut off and then connected again; returns when the
     * last of them was seen connected ({@link System#nanoTime()}), 0 when some node was not seen both ways within
     * {@link #BUS_BACK_WITHIN}.
     */
    private static long awaitBusBack(List<ServerUnderTest> nodes, long cutNanos) throws IOException, InterruptedException {
        boolean[] cutOff = new boolean[nodes.size()];
        long[] back = new long[nodes.size()];
        int left = nodes.size();
        long deadline = cutNanos + BUS_BACK_WITHIN.toNanos();
        while (left > 0 && System.nanoTime() < deadline) {
            for (int i = 0; i < nodes.size(); i++) {
                if (back[i] != 0) {
                    continue;
                }
                boolean connected = "connected".equals(bus(nodes.get(i)).getString("bus"));
                if (!connected) {
                    cutOff[i] = true;
                } else if (cutOff[i]) {
                    back[i] = System.nanoTime();
                    left--;
                }
            }
            Thread.sleep(POLL_MILLIS); // polling other processes' state: there is nothing to wait on
        }
        if (left > 0) {
            return 0;
        }
        long last = 0;
        for (long t : back) {
            last = Math.max(last, t);
        }
        return last;
    }

    /** The data of the node's {@code redis} readiness check: {@code bus} (connected / cut off) and {@code peers}. */
    private static JsonObject bus(ServerUnderTest node) throws IOException, InterruptedException {
        JsonArray checks = new JsonObject(node.get("/q/health/ready")).getJsonArray("checks", new JsonArray());
        for (int i = 0; i < checks.size(); i++) {
            JsonObject check = checks.getJsonObject(i);
            if ("redis".equals(check.getString("name"))) {
                return check.getJsonObject("data", new JsonObject());
            }
        }
        throw new IOException(node.name() + " has no redis readiness check");
    }

    /** The nodes' {@value #REFETCHED} added up; NaN when a node does not expose it. */
    private static double refetched(List<ServerUnderTest> nodes) throws IOException, InterruptedException {
        double sum = 0;
        for (ServerUnderTest node : nodes) {
            sum += counter(node.get("/q/metrics"), REFETCHED);
        }
        return sum;
    }

    /** A counter's value in Prometheus text, its series added up; NaN when it is not there. */
    static double counter(String metrics, String name) {
        double sum = 0;
        boolean found = false;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name) && line.length() > name.length()
                    && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }

    private static String secret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private void put(String setup, int run, String key, double value) {
        results.add(setup, run, key, value);
    }
}
