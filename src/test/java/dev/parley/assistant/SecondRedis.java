package dev.parley.assistant;

import dev.parley.support.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server of the test's own, on a free port, that a test may stop and start again (the machine's shared
 * Redis is never stopped). Needs {@code redis-server} and {@code redis-cli} on the PATH.
 */
public class SecondRedis implements QuarkusTestResourceLifecycleManager {
    private static int port;
    private static Process process;

    @Override
    public Map<String, String> start() {
        port = Ports.free(); // the same port again after a stop: outgoing connections must not take it meanwhile
        launch();
        return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port);
    }

    public static synchronized void launch() {
        try {
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            org.awaitility.Awaitility.await("redis-server on port " + port).atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(50)).until(() -> "PONG".equals(cli("PING")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops this Redis at once, as a crash would. */
    public static synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Runs a redis-cli command against this Redis and returns its output (trimmed), or "" when it fails. */
    public static String cli(String... args) {
        try {
            String[] command = new String[args.length + 3];
            command[0] = "redis-cli";
            command[1] = "-p";
            command[2] = Integer.toString(port);
            System.arraycopy(args, 0, command, 3, args.length);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor(5, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void stop() {
        kill();
    }
}
