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
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * SPEC §2 "Fairness": one user holds at most {@code LLM_MAX_QUEUED_PER_USER} (3) turns queued or running; the next
 * gets {@code error busy} while the message itself is delivered, and other users are not held back.
 */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
class FairnessTest extends AssistantTestSupport {

    @Test
    void aUserWithThreeTurnsQueuedOrRunningGetsBusyForTheFourthAndOthersStillGetAnswers() {
        String room = unique("r");
        String other = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            alice.join(other);
            bob.join(room);
            CountDownLatch first = OLLAMA.replyHeld("one ", "done");
            CountDownLatch third = OLLAMA.replyHeld("three ", "done");
            alice.say(room, "q1", "@assistant one");
            alice.await("assistant_delta", d -> d.path("text").asText().equals("one "));
            alice.say(room, "q2", "@assistant two"); // queued behind q1 in the room's lane
            alice.say(other, "q3", "@assistant three"); // running in another room
            alice.await("assistant_delta", d -> d.path("text").asText().equals("three "));
            assertThat(alice.received("assistant_start")).hasSize(3);

            JsonNode ack = alice.say(other, "q4", "@assistant four");
            JsonNode busy = alice.await("error");
            assertThat(busy.path("code").asText()).isEqualTo("busy");
            assertThat(busy.path("ref").asText()).isEqualTo("q4");
            assertThat(alice.await("message", m -> m.path("text").asText().equals("@assistant four")).path("seq").asLong())
                    .isEqualTo(ack.path("seq").asLong());
            assertThat(alice.received("assistant_start")).hasSize(3);

            // another user is not held back by alice's turns
            long bobsQuestion = bob.say(room, "b1", "@assistant bob here").path("seq").asLong();
            bob.await("assistant_start", s -> s.path("replyTo").asLong() == bobsQuestion);
            assertThat(bob.received("error")).isEmpty();

            first.countDown();
            third.countDown();
            // alice's three turns and bob's are answered; then alice may ask again
            Awaitility().until(() -> worker.pending() == 0);
            long fifth = alice.say(room, "q5", "@assistant five").path("seq").asLong();
            alice.await("assistant_start", s -> s.path("replyTo").asLong() == fifth);
            assertThat(alice.received("error")).hasSize(1);
        }
    }

    private static org.awaitility.core.ConditionFactory Awaitility() {
        return org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20));
    }
}
