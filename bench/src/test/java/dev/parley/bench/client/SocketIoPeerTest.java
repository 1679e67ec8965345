package dev.parley.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parley.bench.peer.PeerTokens;
import dev.parley.bench.scenario.Loop;
import dev.parley.bench.server.ServerUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Engine.IO adapter against the real socket.io 4.8.4 peer (node): tokens minted here are checked there, and the
 * framing round-trips. Needs {@code npm ci} in bench/socketio (bench/run.sh does it); skipped without it.
 */
class SocketIoPeerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SERVER = Path.of("socketio/server.js").toAbsolutePath();
    private final PeerTokens tokens = new PeerTokens("socketio-test-secret");
    @TempDir
    Path work;
    private ServerUnderTest peer;
    private Loop loop;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isDirectory(SERVER.resolveSibling("node_modules/socket.io")), "npm ci in bench/socketio first");
        peer = ServerUnderTest.start(new ServerUnderTest.Launch("socketio", List.of("node", SERVER.toString()),
                Map.of("BENCH_SECRET", "socketio-test-secret"), work, null), "");
        loop = new Loop();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            loop.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void aMessageReachesTheOtherMemberAndTheSenderGetsItThenItsAck() {
        SocketIoTarget target = new SocketIoTarget(loop.vertx(), "127.0.0.1", peer.port(), tokens, "t");
        target.prepareUsers(2);
        RecordingEvents sender = new RecordingEvents();
        RecordingEvents member = new RecordingEvents();
        Session s = loop.call(() -> target.open(0, sender).compose(x -> x.join("r").map(x)), WAIT);
        Session m = loop.call(() -> target.open(1, member).compose(x -> x.join("r").map(x)), WAIT);
        loop.call(() -> {
            s.send("r", "m1", "hello");
            return sender.acked.future();
        }, WAIT);
        assertEquals(List.of("message r m1", "ack r m1"), sender.seen);
        // a second round trip from the member: socket.io keeps one socket's packets in order, so m1 came before it
        loop.call(() -> {
            m.send("r", "m2", "again");
            return member.acked.future();
        }, WAIT);
        assertEquals(List.of("message r m1", "message r m2", "ack r m2"), member.seen);
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefusedAtConnect() {
        SocketIoTarget forged = new SocketIoTarget(loop.vertx(), "127.0.0.1", peer.port(), new PeerTokens("wrong"), "t");
        forged.prepareUsers(1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> loop.call(() -> forged.open(0, new RecordingEvents()), WAIT));
        assertTrue(e.getMessage().contains("unauthorized"), e.getMessage());
    }
}
