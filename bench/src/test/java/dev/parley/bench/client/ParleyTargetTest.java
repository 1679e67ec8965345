package dev.parley.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parley.bench.scenario.Loop;
import dev.parley.bench.server.ServerUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parley's adapter against the packaged server ({@code ../target/quarkus-app/quarkus-run.jar}, built by
 * {@code ./mvnw -DskipTests package}); skipped when it has not been built.
 */
class ParleyTargetTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path JAR = Path.of("../target/quarkus-app/quarkus-run.jar").toAbsolutePath().normalize();
    @TempDir
    Path work;
    private ServerUnderTest parley;
    private Loop loop;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.exists(JAR), "package the server first");
        String java = ProcessHandle.current().info().command().orElse("java");
        parley = ServerUnderTest.start(new ServerUnderTest.Launch("parley", List.of(java, "-jar", JAR.toString()),
                Map.of("QUARKUS_HTTP_HOST", "127.0.0.1", "PARLEY_DATA_DIR", "./data",
                        "REDIS_URL", System.getenv().getOrDefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")),
                work, "/q/health/ready"), "");
        loop = new Loop();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            loop.close();
        }
        if (parley != null) {
            parley.close();
        }
    }

    @Test
    void aRegisteredUserJoinsSendsAndGetsTheMessageThenTheAckByClientId() {
        ParleyTarget target = new ParleyTarget(loop.vertx(), "127.0.0.1", parley.port(), "pt" + System.nanoTime() % 100_000);
        try {
            target.prepareUsers(2);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        sendsAndGetsTheMessageThenTheAck(loop, target);
    }

    /** Two of the target's users join room-a; the first sends: it sees its message then its ack, the other the message. */
    static void sendsAndGetsTheMessageThenTheAck(Loop loop, ParleyTarget target) {
        RecordingEvents sender = new RecordingEvents();
        RecordingEvents member = new RecordingEvents();
        Session s = loop.call(() -> target.open(0, sender).compose(x -> x.join("room-a").map(x)), WAIT);
        Session m = loop.call(() -> target.open(1, member).compose(x -> x.join("room-a").map(x)), WAIT);
        loop.call(() -> {
            s.send("room-a", "c1", "hello");
            return sender.acked.future();
        }, WAIT);
        assertEquals(List.of("message room-a c1", "ack room-a c1"), sender.seen);
        // the server answers a connection's frames in order: after the member's pong, its copy of c1 has arrived
        loop.call(m::ping, WAIT);
        assertEquals(List.of("message room-a c1"), member.seen);
    }
}
