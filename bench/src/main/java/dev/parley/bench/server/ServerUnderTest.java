package dev.parley.bench.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.concurrent.TimeUnit;

/** One server process started for a run, pinned to its core with {@code taskset}, on a loopback port. */
public final class ServerUnderTest implements Measured, AutoCloseable {
    private static final Duration READY_WITHIN = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private ServerUnderTest(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** What to start and how to tell it is ready. */
    public record Launch(String name, List<String> command, Map<String, String> env, Path workDir, String readyPath) {
    }

    /**
     * Starts the command with {@code PORT} set to a free loopback port, pinned to {@code cpus} (a taskset list; empty
     * for no pinning), and waits until it answers: {@code readyPath} answering 200, or else the port accepting.
     */
    public static ServerUnderTest start(Launch launch, String cpus) throws IOException, InterruptedException {
        int port = freePort();
        Files.createDirectories(launch.workDir());
        Path log = launch.workDir().resolve(launch.name() + ".log");
        List<String> command = new ArrayList<>();
        if (!cpus.isEmpty()) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.addAll(launch.command());
        ProcessBuilder builder = new ProcessBuilder(command).directory(launch.workDir().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(launch.env());
        builder.environment().put("PORT", Integer.toString(port));
        ServerUnderTest server = new ServerUnderTest(launch.name(), port, builder.start(), log);
        server.awaitReady(launch.readyPath());
        return server;
    }

    private void awaitReady(String readyPath) throws IOException, InterruptedException {
        HttpClient http = HTTP;
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before it was ready; see " + log);
            }
            if (readyPath == null ? accepts() : answers(http, readyPath)) {
                return;
            }
            Thread.sleep(100); // polling a starting process: there is nothing to wait on
        }
        close();
        throw new IOException(name + " was not ready within " + READY_WITHIN + "; see " + log);
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean answers(HttpClient http, String path) throws InterruptedException {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** GET {@code path} on the server: the body of a 200 answer; anything else fails. */
    public String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(name + " answered " + r.statusCode() + " to GET " + path);
        }
        return r.body();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The server's pid: taskset execs the command, so it is the process started here. */
    public long pid() {
        return process.pid();
    }

    @Override
    public long cpuNanos() {
        return Proc.cpuNanos(pid());
    }

    @Override
    public long rssKb() {
        return Proc.rssKb(pid());
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
