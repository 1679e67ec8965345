package dev.parley.assistant;

import static dev.parley.assistant.standin.StandIns.OLLAMA;
import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.assistant.ratelimit.FailingTurnRateLimit;
import dev.parley.assistant.standin.StandIn;
import dev.parley.assistant.standin.StandIns;
import dev.parley.assistant.tools.FailingRoomTools;
import dev.parley.message.HistoryService;
import dev.parley.support.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import jakarta.persistence.PersistenceException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every failure of a turn reaches the room: a turn that fails for a reason other than the provider (here the
 * database while a tool reads it) ends with {@code assistant_error} {@code internal} for every member, and the
 * room keeps working. A failure before the turn exists (deciding whether to answer, reading the question's context)
 * reaches the sender.
 */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
@TestProfile(TurnFailureTest.BrokenContext.class)
class TurnFailureTest extends AssistantTestSupport {
    static final String BREAKS = "break the database";

    /** The context read fails with a database error when the question asks for it. Enabled by this profile only. */
    @Alternative
    @Singleton
    static class FailingContextBuilder extends ContextBuilder {
        FailingContextBuilder(TokenCounter tokens, AssistantConfig config, HistoryService history) {
            super(tokens, config, history);
        }

        @Override
        public Context build(long roomId, long clearedSeq, long uptoSeq, int budget) {
            Context context = super.build(roomId, clearedSeq, uptoSeq, budget);
            if (context.fingerprint().contains(BREAKS)) {
                throw new PersistenceException("connection to the database lost");
            }
            return context;
        }
    }

    public static class BrokenContext implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(FailingContextBuilder.class, FailingRoomTools.class, FailingTurnRateLimit.class);
        }
    }

    @Test
    void aDatabaseErrorInsideATurnEndsItWithInternalForEveryMember() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            OLLAMA.callTools(new StandIn.Call("search_messages", "{\"query\":\"" + FailingRoomTools.BREAKS + "\"}"));
            alice.say(room, "q", "@assistant search for it");
            String turnId = null;
            for (WsClient member : List.of(alice, bob)) {
                JsonNode start = member.await("assistant_start");
                JsonNode error = member.await("assistant_error");
                assertThat(error.path("turnId").asText()).isEqualTo(start.path("turnId").asText());
                assertThat(error.path("code").asText()).isEqualTo("internal");
                assertThat(error.path("message").asText()).doesNotContain("connection to the database lost");
                turnId = error.path("turnId").asText();
            }
            assertThat(worker.live(turnId)).isNull();
            // the room and the assistant keep working
            alice.say(room, "q2", "@assistant are you fine?");
            assertThat(reply(bob).path("text").asText()).isEqualTo("Hello from the stand-in.");
        }
    }

    @Test
    void aDatabaseErrorWhileReadingTheQuestionsContextReachesTheAskerAndTheRoomKeepsWorking() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            JsonNode ack = alice.say(room, "q", "@assistant please " + BREAKS);
            JsonNode error = alice.await("error");
            assertThat(error.path("code").asText()).isEqualTo("internal");
            assertThat(error.path("ref").asText()).isEqualTo("q");
            assertThat(error.path("message").asText()).doesNotContain("connection to the database lost");
            assertThat(bob.await("message", m -> m.path("text").asText().endsWith(BREAKS)).path("seq").asLong())
                    .isEqualTo(ack.path("seq").asLong());
            bob.sync();
            assertThat(bob.received("assistant_start")).isEmpty();
            // after a /clear the broken message is out of the context, and the assistant answers again
            alice.send("type", "send_message", "room", room, "clientId", "clear", "text", "/clear");
            alice.await("ack", a -> a.path("clientId").asText().equals("clear"));
            alice.say(room, "q2", "@assistant are you fine?");
            assertThat(reply(bob).path("text").asText()).isEqualTo("Hello from the stand-in.");
        }
    }

    @Test
    void aFailureWhileDecidingWhetherToAnswerReachesTheSenderAndTheMessageIsStillDelivered() {
        String room = unique("r");
        try (WsClient broken = WsClient.bearer(base, register(unique(FailingTurnRateLimit.BROKEN_USER_PREFIX)));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            broken.join(room);
            bob.join(room);
            JsonNode ack = broken.say(room, "q", "@assistant hello");
            JsonNode error = broken.await("error");
            assertThat(error.path("code").asText()).isEqualTo("internal");
            assertThat(error.path("ref").asText()).isEqualTo("q");
            assertThat(bob.await("message", m -> m.path("text").asText().equals("@assistant hello")).path("seq").asLong())
                    .isEqualTo(ack.path("seq").asLong());
            bob.sync();
            assertThat(bob.received("assistant_start")).isEmpty();
        }
    }
}
