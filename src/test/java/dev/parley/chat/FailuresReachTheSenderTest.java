package dev.parley.chat;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Every accepted message ends in exactly one ack or one error, whatever fails after it was accepted. */
@QuarkusTest
class FailuresReachTheSenderTest {
    @TestHTTPResource("/")
    URI base;

    @Inject
    Sessions sessions;

    @Test
    void aMessageWhoseFanOutFailsIsStillAckedAndSoIsEveryOtherMessageOfItsBatch() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            // pipelined, so they share group commits with the failing one
            for (int i = 0; i < 20; i++) {
                alice.send("type", "send_message", "room", room, "clientId", "c" + i,
                        "text", i == 10 ? FailingFanout.TRIGGER : "m" + i);
            }
            for (int i = 0; i < 20; i++) {
                String clientId = "c" + i;
                JsonNode ack = alice.await("ack", f -> clientId.equals(f.path("clientId").asText()));
                assertThat(ack.path("seq").asLong()).isEqualTo(i + 1);
            }
            alice.sync();
            assertThat(alice.received("ack")).hasSize(20);
            assertThat(alice.received("error")).isEmpty();
        }
    }

    @Test
    void aHookThatFailsAfterTheMessageWasStoredTellsTheSenderInternalAndTheMessageIsStillAcked() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            JsonNode ack = alice.say(room, "c1", FaultInjectingHook.FAIL_AFTER_STORE);
            assertThat(ack.path("seq").asLong()).isEqualTo(1);
            JsonNode error = alice.await("error");
            assertThat(error.path("code").asText()).isEqualTo("internal");
            assertThat(error.path("ref").asText()).isEqualTo("c1");
            assertThat(bob.await("message").path("text").asText()).isEqualTo(FaultInjectingHook.FAIL_AFTER_STORE);
        }
    }

    @Test
    void aConnectionWhoseOpeningFailsIsClosedWith1011AndLeavesNoSessionBehind() {
        String faulty = unique(FaultyIdentities.PREFIX);
        try (WsClient broken = WsClient.bearer(base, register(faulty))) {
            assertThat(broken.awaitClose()[0]).isEqualTo(1011);
        }
        assertThat(sessions.connectionsOf(faulty)).isZero();
        assertThat(sessions.sessionsOf(faulty)).isEmpty();
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(unique("r"));
        }
    }
}
