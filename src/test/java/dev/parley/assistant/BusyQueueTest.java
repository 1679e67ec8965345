package dev.parley.assistant;

import static dev.parley.assistant.standin.StandIns.OLLAMA;
import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.assistant.standin.StandIns;
import dev.parley.support.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The worker's queue is bounded: a turn over the node's capacity is refused with {@code busy}; the message stays. */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
@TestProfile(BusyQueueTest.OneTurnAtATime.class)
class BusyQueueTest extends AssistantTestSupport {

    /** Room for a single waiting or running turn. */
    public static class OneTurnAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.llm.queue-capacity", "1");
        }
    }

    @Test
    void aTurnOverTheQueuesCapacityIsRefusedWithBusyAndTheMessageIsStillDelivered() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            CountDownLatch rest = OLLAMA.replyHeld("Working ", "on it.");
            alice.say(room, "q1", "@assistant first");
            alice.await("assistant_delta");

            JsonNode ack = bob.say(room, "q2", "@assistant second");
            JsonNode error = bob.await("error");
            assertThat(error.path("code").asText()).isEqualTo("busy");
            assertThat(error.path("ref").asText()).isEqualTo("q2");
            assertThat(alice.await("message", m -> m.path("text").asText().equals("@assistant second")).path("seq").asLong())
                    .isEqualTo(ack.path("seq").asLong());

            rest.countDown();
            assertThat(reply(alice).path("text").asText()).isEqualTo("Working on it.");
            // the queue has room again
            long third = bob.say(room, "q3", "@assistant third").path("seq").asLong();
            bob.await("assistant_start", s -> s.path("replyTo").asLong() == third);
            assertThat(bob.received("error")).hasSize(1);
        }
    }
}
