package dev.parley.durability;

import static org.awaitility.Awaitility.await;

import dev.parley.support.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The packaged server ({@code target/quarkus-app/quarkus-run.jar}) run as a separate process, for tests that kill it. */
public final class ServerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final Map<String, String> env;
    private final Path log;
    private final int port;
    private final Path workDir;
    private final Path distribution;
    private Duration startTimeout = Duration.ofSeconds(60);
    private Process process;

    public ServerProcess(Path dataDir, Map<String, String> extraEnv) throws IOException {
        this(Path.of("target", "quarkus-app"), dataDir, extraEnv);
    }

    /** A server run from another copy of the packaged distribution ({@code quarkus-app/}). */
    public ServerProcess(Path distribution, Path dataDir, Map<String, String> extraEnv) throws IOException {
        this.distribution = distribution;
        this.port = Ports.free();
        this.log = dataDir.resolve("server.log");
        // DATABASE_URL, SECRET_KEY and the data dir are left unset on purpose: the defaults are under test. The
        // abuse limits are off unless a test sets them: these tests stream thousands of messages from one user.
        this.env = new java.util.HashMap<>(Map.of("MESSAGE_RATE_LIMIT", "0", "MAX_CONNECTIONS_PER_USER", "0"));
        env.putAll(extraEnv);
        env.put("PORT", Integer.toString(port));
        // every test registers from 127.0.0.1, and the registration limit is per address (ThrottleAttacksTest tests it)
        env.putIfAbsent("REGISTER_RATE_LIMIT", "0");
        this.workDir = dataDir;
    }

    /** How long {@link #start()} waits for readiness (a start that first rebuilds the distribution takes longer). */
    public ServerProcess startTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return this;
    }

    /** The server's output so far. */
    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The process id of the running server. */
    public long pid() {
        return process.pid();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public ServerProcess start() throws IOException {
        Path jar = distribution.resolve("quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package the server first: " + jar.toAbsolutePath() + " is missing");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString()));
        // run from its own folder with the default settings: embedded H2 and the signing key in ./data
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        process = builder.start();
        await().atMost(startTimeout).pollInterval(Duration.ofMillis(100)).until(this::ready);
        return this;
    }

    private boolean ready() {
        if (!process.isAlive()) {
            throw new IllegalStateException("server exited with " + process.exitValue() + "; the end of " + log + ":\n"
                    + tail(40));
        }
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(base().resolve("/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last {@code lines} lines of the server's output, so a failed start explains itself in the test report. */
    private String tail(int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Resident set size of the server process, from /proc. */
    public long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /** Kills the server and starts it again on the same port with the same data. */
    public ServerProcess restart() throws IOException, InterruptedException {
        kill();
        return start();
    }

    /** SIGTERM: the graceful stop; waits for the process to exit and returns its exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        return process.waitFor();
    }

    /** SIGKILL: no shutdown hook, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    /**
     * Copies a packaged distribution ({@code quarkus-app/}) to {@code to}, for servers that rebuild it for another
     * database and must leave {@code target/quarkus-app} as the other tests expect it.
     */
    public static Path copyDistribution(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(source -> {
                try {
                    Files.copy(source, to.resolve(from.relativize(source).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return to;
    }
}
