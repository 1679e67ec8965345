package dev.parley.bench;

import dev.parley.bench.client.ParleyTarget;
import dev.parley.bench.client.SocketIoTarget;
import dev.parley.bench.client.Target;
import dev.parley.bench.client.VertxPeerTarget;
import dev.parley.bench.peer.PeerTokens;
import dev.parley.bench.report.Results;
import dev.parley.bench.report.SweepKeys;
import dev.parley.bench.scenario.Assistant;
import dev.parley.bench.scenario.Connect;
import dev.parley.bench.scenario.Durable;
import dev.parley.bench.scenario.Fanout;
import dev.parley.bench.scenario.Idle;
import dev.parley.bench.scenario.Loop;
import dev.parley.bench.scenario.Oneshot;
import dev.parley.bench.scenario.Quiet;
import dev.parley.bench.server.OllamaStandIn;
import dev.parley.bench.server.ServerUnderTest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The side-by-side benchmark (docs/performance.md): starts each server pinned to its core, drives every scenario
 * against it from this process (pinned to another core by bench/run.sh), and writes the results table and charts.
 *
 * <pre>
 * java -jar bench/target/parley-bench.jar [--quick] [--runs N] [--servers parley,socketio,vertx[,floor,floor-bare]]
 *      [--scenarios warm-up,idle,connect,oneshot,sweep,durable64,durable1,assistant]
 *      [--repo DIR] [--server-cpus 0] [--out FILE.md] [--charts DIR]
 * java -jar bench/target/parley-bench.jar --cross-node [--quick] [--runs N] [--repo DIR] [--server-cpus 0] [--out FILE.md]
 * </pre>
 *
 * {@code --cross-node} measures two Parley nodes instead ({@link CrossNode}). {@code floor} and {@code floor-bare}
 * (bench/floor, built apart) run only when named: the floor of Parley's stack, with and without the join's presence.
 */
public final class Bench {
    private static final List<String> DEFAULT_SERVERS = List.of("parley", "socketio", "vertx");
    private static final List<String> ALL_SERVERS = List.of("parley", "socketio", "vertx", "floor", "floor-bare");
    private static final List<String> SCENARIOS = List.of("warm-up", "idle", "connect", "oneshot", "sweep", "durable64",
            "durable1", "assistant");
    private final Settings settings;
    private final Path repo;
    private final String serverCpus;
    /** The scenarios to run ({@code --scenarios}); all when null. */
    private List<String> scenarios;
    private final Results results = new Results();
    private final PeerTokens peerTokens;
    private final String secret;
    /** The stand-in model Parley's assistant asks (started with the generator's loop). */
    private OllamaStandIn model;

    private Bench(Settings settings, Path repo, String serverCpus) {
        this.settings = settings;
        this.repo = repo;
        this.serverCpus = serverCpus;
        this.secret = System.getenv().getOrDefault("BENCH_SECRET", PeerTokens.DEFAULT_SECRET);
        this.peerTokens = new PeerTokens(secret);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Map<String, String> opts = options(args);
        if (opts.containsKey("cross-node")) {
            CrossNode.main(opts);
            return;
        }
        Settings settings = opts.containsKey("quick") ? Settings.smoke() : Settings.measurement();
        if (opts.containsKey("runs")) {
            settings = settings.withRuns(Integer.parseInt(opts.get("runs")));
        }
        Path repo = Path.of(opts.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        List<String> servers = opts.containsKey("servers") ? Arrays.asList(opts.get("servers").split(",")) : DEFAULT_SERVERS;
        for (String s : servers) {
            if (!ALL_SERVERS.contains(s)) {
                throw new IllegalArgumentException("unknown server " + s + "; known: " + ALL_SERVERS);
            }
        }
        Path out = Path.of(opts.getOrDefault("out", settings.quick()
                ? "docs/perf/smoke/performance-smoke.md" : "docs/performance.md"));
        Path charts = Path.of(opts.getOrDefault("charts", settings.quick() ? "docs/perf/smoke" : "docs/perf"));
        Bench bench = new Bench(settings, repo, opts.getOrDefault("server-cpus", "0"));
        if (opts.containsKey("scenarios")) {
            bench.scenarios = Arrays.asList(opts.get("scenarios").split(","));
            for (String s : bench.scenarios) {
                if (!SCENARIOS.contains(s)) {
                    throw new IllegalArgumentException("unknown scenario " + s + "; known: " + SCENARIOS);
                }
            }
        }
        LocalDateTime started = LocalDateTime.now();
        long t0 = System.nanoTime();
        if (servers.contains("parley")) {
            // a cross-node run leaves the package built for PostgreSQL: rebuild it now, not at a timed start
            String url = System.getenv().getOrDefault("BENCH_DATABASE_URL", "");
            ParleyLaunch.buildFor(repo, url.startsWith("jdbc:postgresql:") ? "postgresql" : "h2",
                    repo.resolve("bench/target/runs"));
        }
        try (Loop loop = new Loop();
             OllamaStandIn model = loop.call(() -> OllamaStandIn.start(loop.vertx()), Duration.ofSeconds(10))) {
            bench.model = model;
            for (int run = 1; run <= settings.runs(); run++) {
                for (String server : servers) {
                    try {
                        bench.runServer(loop, server, run, started);
                    } catch (Exception e) {
                        System.out.printf("  %s, run %d FAILED: %s%n", server, run, e);
                        bench.results.failed(server, run, "start", String.valueOf(e.getMessage()));
                    }
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        new Report(settings, bench.results, servers, bench.describe(took, started))
                .write(repo.resolve(out), repo.resolve(charts));
        System.out.println("results written to " + repo.resolve(out) + " and " + repo.resolve(charts));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String name = a.substring(2);
            if (name.equals("quick") || name.equals("cross-node")) {
                opts.put(name, "true");
            } else if (i + 1 < args.length) {
                opts.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException(a + " needs a value");
            }
        }
        return opts;
    }

    private List<String> describe(Duration took, LocalDateTime started) {
        List<String> lines = new ArrayList<>();
        lines.add("started " + started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")) + ", took "
                + took.toMinutes() + " min " + took.toSecondsPart() + " s, " + settings.runs() + (settings.runs() == 1 ? " run" : " runs")
                + " per server, servers interleaved within each run");
        lines.add("machine: " + Environment.describe(repo));
        lines.add("servers pinned with `taskset -c " + serverCpus + "`; generator: "
                + Environment.affinity() + ", one Vert.x event loop, JDK " + Runtime.version());
        lines.add("every JVM server (Parley, the Vert.x peer, the floor when run) runs with the same flags: `" + ParleyLaunch.jvmFlags() + "`");
        lines.add("Parley's database: " + (System.getenv("BENCH_DATABASE_URL") == null
                ? "embedded H2, its default (acks after the commit is on disk: `WRITE_DELAY=0` and an fsync per group commit)" : "`" + System.getenv("BENCH_DATABASE_URL") + "`"));
        return lines;
    }

    private ServerUnderTest.Launch launch(String server, Path work) {
        List<String> jvm = ParleyLaunch.java();
        return switch (server) {
            case "parley" -> ParleyLaunch.launch(repo, server, work, Map.of(
                    "LLM_MODEL", "ollama/" + OllamaStandIn.MODEL,
                    "OLLAMA_BASE_URL", model.baseUrl(),
                    // the limit's script still runs on every question, as in production, but refuses none of the loop's
                    "LLM_RATE_LIMIT", "1000000"));
            case "vertx" -> {
                jvm.addAll(List.of("-cp", repo.resolve("bench/target/parley-bench.jar").toString(),
                        "dev.parley.bench.peer.VertxPeer"));
                yield new ServerUnderTest.Launch(server, jvm, Map.of("BENCH_SECRET", secret), work, null);
            }
            case "floor", "floor-bare" -> {
                jvm.addAll(List.of("-jar", repo.resolve("bench/floor/target/quarkus-app/quarkus-run.jar").toString()));
                yield new ServerUnderTest.Launch(server, jvm,
                        Map.of("FLOOR_PRESENCE", server.equals("floor") ? "1" : "0"), work, "/q/health/ready");
            }
            case "socketio" -> new ServerUnderTest.Launch(server,
                    List.of(System.getenv().getOrDefault("BENCH_NODE", "node"),
                            repo.resolve("bench/socketio/server.js").toString()),
                    Map.of("BENCH_SECRET", secret, "NODE_ENV", "production"), work, null);
            default -> throw new IllegalArgumentException(server);
        };
    }

    private Target target(Loop loop, String server, int port, String tag) {
        return switch (server) {
            // the floor speaks the part of Parley's protocol the harness uses
            case "parley", "floor", "floor-bare" -> new ParleyTarget(loop.vertx(), "127.0.0.1", port, "b" + tag);
            case "vertx" -> new VertxPeerTarget(loop.vertx(), "127.0.0.1", port, peerTokens, "b" + tag);
            case "socketio" -> new SocketIoTarget(loop.vertx(), "127.0.0.1", port, peerTokens, "b" + tag);
            default -> throw new IllegalArgumentException(server);
        };
    }

    private void runServer(Loop loop, String server, int run, LocalDateTime started) throws Exception {
        String tag = Long.toString(System.currentTimeMillis() % 100_000_000L, 36) + run;
        Path work = repo.resolve("bench/target/runs")
                .resolve(started.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).resolve(server + "-" + run);
        System.out.printf("== %s, run %d (work dir %s)%n", server, run, work);
        try (ServerUnderTest s = ServerUnderTest.start(launch(server, work), serverCpus)) {
            Target t = target(loop, server, s.port(), tag);
            t.prepareUsers(settings.users());
            step(server, run, "warm-up", () -> {
                // the per-message path (for Parley: the commit) at the sweep's 200 messages/s reaches the JIT's
                // thresholds only after minutes; a short burst of acked sends compiles it before anything is measured
                Durable.run(loop, t, "warmack-" + tag, settings.durableRooms(), 1, settings.durableWindow(),
                        Duration.ofSeconds(1), settings.warmUpAcked(), settings.stepDrain(), s);
                Fanout f = new Fanout(loop, t, "warm-" + tag, settings.members(), settings.senders());
                f.open();
                f.step("w", settings.referenceRate(), Duration.ZERO, settings.warmUp(), settings.stepDrain(), s);
                f.close();
            });
            step(server, run, "idle", () -> {
                Idle.Result r = Idle.run(loop, t, "idle-" + tag, settings.idleConnections(), settings.idleSettle(),
                        settings.idleWindow(), s);
                put(server, run, "idle.cpu", r.serverCpuPct());
                put(server, run, "idle.rssPerConn", r.rssKbPerConnection());
                put(server, run, "idle.errors", r.errors());
                System.out.printf("  idle %d connections (%s): server CPU %.2f %%, RSS +%.1f KiB per connection, errors %d%n",
                        r.connections(), r.quiet(), r.serverCpuPct(), r.rssKbPerConnection(), r.errors());
            });
            step(server, run, "connect", () -> {
                Connect.Result r = Connect.run(loop, t, "conn-" + tag, settings.connectCount(),
                        settings.connectInFlight());
                put(server, run, "connect.seconds", r.seconds());
                put(server, run, "connect.p50", r.p50());
                put(server, run, "connect.p99", r.p99());
                put(server, run, "connect.errors", r.errors());
                System.out.printf("  connect %d: %.2f s (each p50 %.1f ms, p99 %.1f ms), errors %d%n",
                        r.connections(), r.seconds(), r.p50(), r.p99(), r.errors());
            });
            step(server, run, "oneshot", () -> {
                System.out.printf("  before one message: %s%n", Quiet.await(s, Duration.ofSeconds(60)));
                Oneshot.Result r = Oneshot.run(loop, t, "one-" + tag, settings.oneshotSamples(),
                        settings.oneshotGapMillis());
                put(server, run, "oneshot.p50", r.ackP50());
                put(server, run, "oneshot.p99", r.ackP99());
                put(server, run, "ping.p50", r.pingP50());
                put(server, run, "ping.p99", r.pingP99());
                put(server, run, "oneshot.errors", r.errors());
                System.out.printf("  one message send->ack p50 %.2f ms p99 %.2f ms; ping->pong p50 %.2f ms p99 %.2f ms%n",
                        r.ackP50(), r.ackP99(), r.pingP50(), r.pingP99());
            });
            step(server, run, "sweep", () -> sweep(loop, t, server, run, tag, s));
            step(server, run, "durable64", () -> durable(loop, t, server, run, "durable64",
                    "dur-" + tag, settings.durableRooms(), 1, s));
            step(server, run, "durable1", () -> durable(loop, t, server, run, "durable1",
                    "single-" + tag, 1, settings.singleRoomSenders(), s));
            if (server.equals("parley")) {
                // last, so that the scenarios the peers share run on a server in the same state as theirs
                step(server, run, "assistant", () -> assistant(loop, t, server, run, tag, s));
            }
        }
    }

    private void assistant(Loop loop, Target t, String server, int run, String tag, ServerUnderTest s)
            throws InterruptedException {
        System.out.printf("  before the assistant: %s%n", Quiet.await(s, Duration.ofSeconds(60)));
        Assistant.Result r = Assistant.run(loop, t, s, model.port(), "ai-" + tag, settings.assistantWarmUp(),
                settings.assistantSamples(), settings.oneshotGapMillis());
        put(server, run, "assistant.direct.p50", r.directP50());
        put(server, run, "assistant.direct.p99", r.directP99());
        put(server, run, "assistant.delta.p50", r.firstDeltaP50());
        put(server, run, "assistant.delta.p99", r.firstDeltaP99());
        put(server, run, "assistant.added.p50", r.addedP50());
        put(server, run, "assistant.added.p99", r.addedP99());
        put(server, run, "assistant.miss.p50", r.missP50());
        put(server, run, "assistant.miss.p99", r.missP99());
        put(server, run, "assistant.hit.p50", r.hitP50());
        put(server, run, "assistant.hit.p99", r.hitP99());
        put(server, run, "assistant.errors", r.errors());
        System.out.printf("  assistant: model directly p50 %.2f p99 %.2f ms; send -> first delta p50 %.2f p99 %.2f ms "
                        + "(added %.2f / %.2f); -> reply p50 %.2f p99 %.2f ms; cached reply p50 %.2f p99 %.2f ms; errors %d%n",
                r.directP50(), r.directP99(), r.firstDeltaP50(), r.firstDeltaP99(), r.addedP50(), r.addedP99(),
                r.missP50(), r.missP99(), r.hitP50(), r.hitP99(), r.errors());
    }

    private void sweep(Loop loop, Target t, String server, int run, String tag, ServerUnderTest s) {
        Fanout f = new Fanout(loop, t, "fan-" + tag, settings.members(), settings.senders());
        f.open();
        double capacity = 0;
        double capacityCpu = Double.NaN;
        boolean failedOnce = false;
        int i = 0;
        try {
            for (double rate : settings.sweepRates()) {
                Fanout.Step r = f.step("s" + i++, rate, settings.stepWarm(), settings.stepMeasure(),
                        settings.stepDrain(), s);
                record(server, run, rate, r);
                System.out.printf("  %,8.0f deliveries/s: p50 %7.2f p99 %7.2f max %7.2f ms, lost %d, errors %d, "
                                + "server CPU %5.1f %% (%.3f ms/1000), generator CPU %5.1f %%%n",
                        rate, r.p50(), r.p99(), r.max(), r.lost(), r.errors(), r.serverCpuPct(), r.cpuMsPer1000(),
                        r.generatorCpuPct());
                if (r.passes(settings.p99LimitMs()) && !failedOnce) {
                    capacity = rate;
                    capacityCpu = r.serverCpuPct();
                } else {
                    failedOnce = true;
                }
                boolean hopeless = r.p99() > 1_000 || r.lost() > r.expected() / 100;
                if (hopeless || (failedOnce && rate >= settings.referenceRate())) {
                    break;
                }
            }
        } finally {
            f.close();
        }
        put(server, run, "capacity", capacity);
        put(server, run, "capacity.cpu", capacityCpu);
    }

    private void record(String server, int run, double rate, Fanout.Step r) {
        record(results, server, run, rate, r);
    }

    /** A sweep step's numbers under {@link SweepKeys}. */
    static void record(Results results, String server, int run, double rate, Fanout.Step r) {
        results.add(server, run, SweepKeys.key(rate, "p50"), r.p50());
        results.add(server, run, SweepKeys.key(rate, "p90"), r.p90());
        results.add(server, run, SweepKeys.key(rate, "p99"), r.p99());
        results.add(server, run, SweepKeys.key(rate, "max"), r.max());
        results.add(server, run, SweepKeys.key(rate, "lost"), r.lost());
        results.add(server, run, SweepKeys.key(rate, "errors"), r.errors());
        results.add(server, run, SweepKeys.key(rate, "serverCpu"), r.serverCpuPct());
        results.add(server, run, SweepKeys.key(rate, "cpuPer1000"), r.cpuMsPer1000());
        results.add(server, run, SweepKeys.key(rate, "genCpu"), r.generatorCpuPct());
    }

    private void durable(Loop loop, Target t, String server, int run, String key, String rooms, int roomCount,
                         int senders, ServerUnderTest s) {
        Durable.Result r = Durable.run(loop, t, rooms, roomCount, senders, settings.durableWindow(),
                settings.durableWarm(), settings.durableMeasure(), settings.stepDrain(), s);
        put(server, run, key + ".rate", r.ackedPerSecond());
        put(server, run, key + ".p50", r.p50());
        put(server, run, key + ".p99", r.p99());
        put(server, run, key + ".cpu", r.serverCpuPct());
        put(server, run, key + ".errors", r.errors());
        put(server, run, key + ".unacked", r.unackedAtEnd());
        System.out.printf("  %s (%d rooms x %d senders, <= %d unacked): %.0f acked/s, ack p50 %.1f ms p99 %.1f ms, "
                        + "server CPU %.1f %%, errors %d, unacked at end %d%n", key, roomCount, senders,
                settings.durableWindow(), r.ackedPerSecond(), r.p50(), r.p99(), r.serverCpuPct(), r.errors(),
                r.unackedAtEnd());
    }

    private void put(String server, int run, String key, double value) {
        results.add(server, run, key, value);
    }

    /**
     * Runs one scenario (unless {@code --scenarios} leaves it out); a failure is recorded for the report and the next
     * scenario still runs.
     */
    private void step(String server, int run, String name, Results.Scenario scenario) {
        if (scenarios != null && !scenarios.contains(name)) {
            return;
        }
        results.attempt(server, run, name, scenario);
    }
}
