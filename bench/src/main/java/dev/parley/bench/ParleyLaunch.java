package dev.parley.bench;

import dev.parley.bench.server.ServerUnderTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** How the benchmark starts Parley from its package ({@code target/quarkus-app}), alone or as one node of several. */
final class ParleyLaunch {
    private static final long REBUILD_MINUTES = 10;

    private ParleyLaunch() {
    }

    /** The JVM flags both JVM servers run with ({@code BENCH_SERVER_JVM_OPTS}). */
    static String jvmFlags() {
        return System.getenv().getOrDefault("BENCH_SERVER_JVM_OPTS", "-Xms512m -Xmx1g");
    }

    /** {@code java <flags>}: the JDK the generator runs on. */
    static List<String> java() {
        List<String> jvm = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        jvm.addAll(Arrays.asList(jvmFlags().trim().split("\\s+")));
        return jvm;
    }

    /**
     * Parley on {@code 127.0.0.1} with the limits that would refuse the load off, {@code BENCH_REDIS_URL}, and
     * {@code BENCH_DATABASE_*} as {@code DATABASE_*} when set; {@code env} is added last and wins.
     */
    static ServerUnderTest.Launch launch(Path repo, String name, Path work, Map<String, String> env) {
        List<String> command = java();
        command.addAll(List.of("-jar", jar(repo).toString()));
        Map<String, String> all = new HashMap<>(Map.of(
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "PARLEY_DATA_DIR", "./data",
                "REDIS_URL", redisUrl(),
                "MESSAGE_RATE_LIMIT", "0",
                "MAX_CONNECTIONS_PER_USER", "0",
                "REGISTER_RATE_LIMIT", "0"));
        for (String variable : List.of("DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD")) {
            String value = System.getenv("BENCH_" + variable);
            if (value != null) {
                all.put(variable, value);
            }
        }
        all.putAll(env);
        return new ServerUnderTest.Launch(name, command, all, work, "/q/health/ready");
    }

    static String redisUrl() {
        return System.getenv().getOrDefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13");
    }

    /**
     * Makes the package built for {@code kind} ({@code h2} or {@code postgresql}) before anything is started from it:
     * the package rebuilds itself at its first start on the other database (docs/deployment.md), which takes a minute
     * or more, longer than a start may take, and two nodes must not both rebuild it at once. Does nothing (a JVM start)
     * when it is built for that database already.
     */
    static void buildFor(Path repo, String kind, Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path log = work.resolve("rebuild-" + kind + ".log");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dparley.rebuild-for=" + kind, "-jar", jar(repo).toString()));
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(REBUILD_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException("rebuilding the package for " + kind + " took over " + REBUILD_MINUTES + " min; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IOException("rebuilding the package for " + kind + " failed (exit " + p.exitValue() + "); see " + log);
        }
        List<String> said = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
        System.out.println("  " + (said.isEmpty() ? "package built for " + kind : said.getLast().trim()));
    }

    private static Path jar(Path repo) {
        return repo.resolve("target/quarkus-app/quarkus-run.jar");
    }
}
