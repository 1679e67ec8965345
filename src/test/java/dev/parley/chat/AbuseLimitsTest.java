package dev.parley.chat;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.RawWs;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** SPEC §2 abuse limits, with small limits: messages per user, connections per user, frames pipelined. */
@QuarkusTest
@TestProfile(AbuseLimitsTest.SmallLimits.class)
class AbuseLimitsTest {
    public static final class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.message.rate-limit", "5", "parley.ws.max-connections-per-user", "3",
                    "parley.ws.max-held-frames", "8");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Sessions sessions;

    @Test
    void aUserOverTheMessageRateGetsRateLimitedWithRetryAfterAndNothingIsStored() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            for (int i = 0; i < 8; i++) {
                alice.send("type", "send_message", "room", room, "clientId", "c" + i, "text", "m" + i);
            }
            List<JsonNode> acks = new ArrayList<>();
            List<JsonNode> refused = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String clientId = "c" + i;
                JsonNode answer = alice.await(i < 5 ? "ack" : "error", f -> clientId.equals(f.path(f.has("ref") ? "ref" : "clientId").asText()));
                (i < 5 ? acks : refused).add(answer);
            }
            assertThat(acks).hasSize(5);
            assertThat(refused).hasSize(3).allSatisfy(e -> {
                assertThat(e.path("code").asText()).isEqualTo("rate_limited");
                assertThat(e.path("retryAfterMs").asLong()).isPositive();
            });
            JsonNode rejoined = bob.join(room);
            assertThat(rejoined.path("lastSeq").asLong()).isEqualTo(5);
        }
    }

    @Test
    void aUserAtTheConnectionLimitGetsHttp429ForTheNextHandshake() {
        String token = register(unique("many"));
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(WsClient.bearer(base, token).sync());
            }
            CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token)
                            .buildAsync(base.resolve("/ws").toString().startsWith("http")
                                    ? URI.create(base.resolve("/ws").toString().replaceFirst("^http", "ws")) : base.resolve("/ws"),
                                    new java.net.http.WebSocket.Listener() { }).join());
            assertThat(refused.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(429);
            open.remove(0).close();
            open.add(WsClient.bearer(base, token).sync()); // a slot is free again
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void aClientPipeliningJoinsFasterThanTheyAreServedIsPausedNotBufferedAndOthersAreStillServed() throws Exception {
        String flooder = unique("flood");
        String token = register(flooder);
        String room = unique("r");
        byte[] frame = ("{\"type\":\"join_room\",\"room\":\"" + room + "\",\"pad\":\"" + "x".repeat(60_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        try (RawWs raw = new RawWs(base, token, 64 * 1024);
                WsClient other = WsClient.bearer(base, register(unique("other")))) {
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                try {
                    while (flooding.get() && sent.get() < 3_000) { // at most 180 MB; it blocks once the server pauses
                        raw.sendFrame(1, frame);
                        sent.incrementAndGet();
                    }
                } catch (java.io.IOException closed) {
                    // the test ends the connection while the flood is blocked
                }
            });
            other.join(room);
            int maxHeld = 0;
            for (int i = 0; i < 200; i++) {
                for (ChatSession s : sessions.sessionsOf(flooder)) {
                    maxHeld = Math.max(maxHeld, s.heldFrames());
                }
                other.sync(); // others keep being answered meanwhile
            }
            other.say(room, "o", "still served");
            flooding.set(false);
            // paused at 8; frames already read from the network in the same read burst (Netty reads at most 16 times
            // 64 KiB per turn, about 17 of these frames) still arrive. Unpaused, thousands would wait here.
            assertThat(maxHeld).isLessThanOrEqualTo(8 + 24);
            raw.close();
            flood.get();
        }
    }
}
