package dev.parley.bench.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.bench.client.Events;
import dev.parley.bench.client.Session;
import dev.parley.bench.client.VertxPeerTarget;
import dev.parley.bench.scenario.Loop;
import io.vertx.core.Promise;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The raw Vert.x peer and its adapter, end to end over a real loopback WebSocket. */
class VertxPeerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final PeerTokens tokens = new PeerTokens("test-secret");
    private Loop loop;
    private int port;

    @BeforeEach
    void startPeer() throws IOException {
        loop = new Loop();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        loop.call(() -> loop.vertx().deployVerticle(new VertxPeer(port, tokens)), WAIT);
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void aMessageReachesEveryMemberAndItsSenderGetsTheAckAfterIt() {
        VertxPeerTarget target = new VertxPeerTarget(loop.vertx(), "127.0.0.1", port, tokens, "t");
        target.prepareUsers(3);
        List<String> seen = new ArrayList<>();
        Promise<Void> all = Promise.promise();
        Events recording = new Events() {
            @Override
            public void message(String room, String clientId) {
                seen.add("message " + room + " " + clientId);
            }

            @Override
            public void ack(String room, String clientId) {
                seen.add("ack " + room + " " + clientId);
                all.tryComplete();
            }

            @Override
            public void error(String what) {
                all.tryFail(what);
            }
        };
        List<String> other = new ArrayList<>();
        Events otherMember = new Events() {
            @Override
            public void message(String room, String clientId) {
                other.add(clientId);
            }

            @Override
            public void ack(String room, String clientId) {
                other.add("ack?");
            }

            @Override
            public void error(String what) {
                other.add(what);
            }
        };
        Session sender = loop.call(() -> target.open(0, recording).compose(s -> s.join("r").map(s)), WAIT);
        Session member = loop.call(() -> target.open(1, otherMember).compose(s -> s.join("r").map(s)), WAIT);
        loop.call(() -> target.open(2, otherMember).compose(s -> s.join("elsewhere")), WAIT);
        loop.call(() -> {
            sender.send("r", "m1", "hello");
            return all.future();
        }, WAIT);
        assertEquals(List.of("message r m1", "ack r m1"), seen);
        // a ping round trip on the other member's socket: the peer answers in order, so the message came before it
        loop.call(member::ping, WAIT);
        assertEquals(List.of("m1"), other);
    }

    @Test
    void aConnectionWithABadTokenIsRefused() {
        VertxPeerTarget forged = new VertxPeerTarget(loop.vertx(), "127.0.0.1", port, new PeerTokens("wrong"), "t");
        forged.prepareUsers(1);
        assertThrows(IllegalStateException.class,
                () -> loop.call(() -> forged.open(0, Events.countingErrors(e -> { })), WAIT));
    }

    @Test
    void sendingToARoomNotJoinedIsAnError() {
        VertxPeerTarget target = new VertxPeerTarget(loop.vertx(), "127.0.0.1", port, tokens, "t");
        target.prepareUsers(1);
        Promise<String> error = Promise.promise();
        Session s = loop.call(() -> target.open(0, Events.countingErrors(error::tryComplete)), WAIT);
        String what = loop.call(() -> {
            s.send("nowhere", "m1", "hello");
            return error.future();
        }, WAIT);
        assertEquals(true, what.contains("not joined"), what);
    }
}
