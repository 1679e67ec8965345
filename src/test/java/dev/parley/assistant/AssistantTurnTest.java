package dev.parley.assistant;

import static dev.parley.assistant.standin.StandIns.OLLAMA;
import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.assistant.standin.StandIn;
import dev.parley.assistant.standin.StandIns;
import dev.parley.auth.Caller;
import dev.parley.chat.Outbox;
import dev.parley.chat.RoomHub;
import dev.parley.cluster.ClusterBus;
import dev.parley.support.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** SPEC §2 "The assistant": turns, streaming, persistence, order, joining mid-turn, cancelling, context, cache. */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
class AssistantTurnTest extends AssistantTestSupport {
    @Inject
    TurnRelay relay;
    @Inject
    ClusterBus bus;
    @Inject
    RoomHub hub;
    @Inject
    Outbox outbox;
    @Inject
    ObjectMapper json;

    @Test
    void aMentionIsStreamedToEveryMemberThenStoredAsTheAssistantsMessage() {
        String room = unique("r");
        String aliceName = unique("alice");
        String aliceToken = register(aliceName);
        try (WsClient alice = WsClient.bearer(base, aliceToken);
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            OLLAMA.reply("Hel", "lo ", "world");
            JsonNode ack = alice.say(room, "q1", "@assistant say hello");
            for (WsClient member : List.of(alice, bob)) {
                JsonNode start = member.await("assistant_start");
                assertThat(start.path("replyTo").asLong()).isEqualTo(ack.path("seq").asLong());
                assertThat(start.path("model").asText()).isEqualTo("ollama/llama3.2");
                JsonNode m = reply(member);
                String turnId = start.path("turnId").asText();
                assertThat(streamed(member, turnId)).isEqualTo("Hello world");
                assertThat(m.path("text").asText()).isEqualTo("Hello world");
                assertThat(m.path("sender").asText()).isEqualTo("assistant");
                assertThat(m.path("turnId").asText()).isEqualTo(turnId);
                assertThat(m.path("model").asText()).isEqualTo("ollama/llama3.2");
                assertThat(m.path("cached").asBoolean()).isFalse();
                assertThat(m.path("usage").path("inputTokens").asInt()).isEqualTo(42);
                assertThat(m.path("usage").path("outputTokens").asInt()).isEqualTo(3);
                assertThat(m.path("seq").asLong()).isEqualTo(ack.path("seq").asLong() + 1);
            }
            // persisted: a fresh join sees it, and the export carries the assistant's metadata
            JsonNode joined = WsClient.bearer(base, aliceToken).join(room);
            JsonNode stored = joined.path("messages").get(1);
            assertThat(stored.path("kind").asText()).isEqualTo("assistant");
            assertThat(stored.path("usage").path("outputTokens").asInt()).isEqualTo(3);
            String export = given().auth().oauth2(aliceToken).get("/api/rooms/" + room + "/export?format=json").then().statusCode(200)
                    .extract().asString();
            assertThat(export).contains("\"model\":\"ollama/llama3.2\"", "\"cached\":false", "\"outputTokens\":3");

            // what the provider was asked: the system prompt names the room and its members; the reply is capped
            JsonNode request = OLLAMA.chatRequests().get(0).body();
            assertThat(request.path("stream").asBoolean()).isTrue();
            assertThat(request.path("options").path("num_predict").asInt()).isEqualTo(1024);
            String system = request.path("messages").get(0).path("content").asText();
            assertThat(system).contains(room, aliceName);
            JsonNode last = request.path("messages").get(request.path("messages").size() - 1);
            assertThat(last.path("content").asText()).isEqualTo(aliceName + ": @assistant say hello");
            assertThat(request.path("tools")).hasSize(5);
        }
    }

    @Test
    void withoutAMentionTheAssistantStaysQuietUnlessTheRoomSaysAlways() {
        String room = unique("r");
        String token = register(unique("alice"));
        try (WsClient alice = WsClient.bearer(base, token)) {
            alice.join(room);
            alice.say(room, "m1", "just chatting, no assistant@assistant here");
            alice.say(room, "m2", "email me at me@assistant.org");
            alice.sync();
            given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("assistant", "always"))
                    .patch("/api/rooms/" + room).then().statusCode(200);
            alice.say(room, "m3", "anyone?");
            assertThat(reply(alice).path("text").asText()).isEqualTo("Hello from the stand-in.");
            assertThat(OLLAMA.chatRequests()).hasSize(1);

            given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("assistant", "off"))
                    .patch("/api/rooms/" + room).then().statusCode(200);
            alice.say(room, "m4", "@assistant are you there?");
            alice.sync();
            assertThat(alice.received("assistant_start")).hasSize(1);
            assertThat(OLLAMA.chatRequests()).hasSize(1);
        }
    }

    @Test
    void turnsInOneRoomAreAnsweredInTheOrderTheirMessagesWereStored() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            OLLAMA.reply("first answer");
            OLLAMA.reply("second answer");
            OLLAMA.reply("third answer");
            long q1 = alice.say(room, "q1", "@assistant one").path("seq").asLong();
            long q2 = alice.say(room, "q2", "@assistant two").path("seq").asLong();
            long q3 = alice.say(room, "q3", "@assistant three").path("seq").asLong();
            List<String> texts = List.of(reply(alice), reply(alice), reply(alice)).stream().map(m -> m.path("text").asText()).toList();
            assertThat(texts).containsExactly("first answer", "second answer", "third answer");
            List<Long> replyTo = alice.received("assistant_start").stream().map(s -> s.path("replyTo").asLong()).toList();
            assertThat(replyTo).containsExactly(q1, q2, q3);
            // each turn's context ends with its own question and holds the questions before it
            List<String> lastLines = OLLAMA.chatRequests().stream().map(r -> {
                JsonNode messages = r.body().path("messages");
                return messages.get(messages.size() - 1).path("content").asText();
            }).toList();
            assertThat(lastLines).allMatch(l -> l.contains("@assistant"));
            assertThat(lastLines.get(0)).endsWith("one");
            assertThat(lastLines.get(1)).endsWith("two");
            assertThat(lastLines.get(2)).endsWith("three");
            assertThat(OLLAMA.chatRequests().get(2).body().toString()).contains("@assistant one", "@assistant two");
        }
    }

    @Test
    void aMemberWhoJoinsOrResumesMidTurnGetsTheTextSoFarThenTheRest() throws Exception {
        String room = unique("r");
        String aliceToken = register(unique("alice"));
        try (WsClient alice = WsClient.bearer(base, aliceToken);
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            CountDownLatch rest = OLLAMA.replyHeld("First part. ", "second ", "part.");
            alice.say(room, "q", "@assistant tell me");
            JsonNode start = alice.await("assistant_start");
            String turnId = start.path("turnId").asText();
            alice.await("assistant_delta", d -> d.path("text").asText().equals("First part. "));

            bob.join(room);
            JsonNode bobStart = bob.await("assistant_start");
            assertThat(bobStart.path("turnId").asText()).isEqualTo(turnId);
            assertThat(bob.await("assistant_delta").path("text").asText()).isEqualTo("First part. ");
            // alice resumes on a new connection (join with since) while the turn still streams
            try (WsClient aliceAgain = WsClient.bearer(base, aliceToken)) {
                aliceAgain.join(room, 1);
                assertThat(aliceAgain.await("assistant_start").path("turnId").asText()).isEqualTo(turnId);
                assertThat(aliceAgain.await("assistant_delta").path("text").asText()).isEqualTo("First part. ");
                rest.countDown();
                for (WsClient member : List.of(bob, aliceAgain)) {
                    JsonNode m = reply(member);
                    assertThat(streamed(member, turnId)).isEqualTo("First part. second part.");
                    assertThat(m.path("text").asText()).isEqualTo("First part. second part.");
                    assertThat(member.received("assistant_start")).hasSize(1);
                }
            }
        }
    }

    @Test
    void aMemberWhoLeavesAndRejoinsOnTheSameConnectionMidTurnGetsTheTextAfreshOnce() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            CountDownLatch rest = OLLAMA.replyHeld("First part. ", "second ", "part.");
            alice.say(room, "q", "@assistant tell me");
            String turnId = alice.await("assistant_start").path("turnId").asText();
            alice.await("assistant_delta", d -> d.path("text").asText().equals("First part. "));

            alice.send("type", "leave_room", "room", room);
            alice.await("left");
            alice.join(room);
            rest.countDown();
            JsonNode m = reply(alice);

            // the client rule: an assistant_start restarts the turn's text with the deltas after it
            List<JsonNode> frames = alice.received().stream().filter(f -> turnId.equals(f.path("turnId").asText())).toList();
            assertThat(frames.stream().filter(f -> f.path("type").asText().equals("assistant_start"))).hasSize(2);
            StringBuilder text = new StringBuilder();
            for (JsonNode f : frames) {
                switch (f.path("type").asText()) {
                    case "assistant_start" -> text.setLength(0);
                    case "assistant_delta" -> text.append(f.path("text").asText());
                    default -> { }
                }
            }
            assertThat(text).hasToString("First part. second part.");
            assertThat(m.path("text").asText()).isEqualTo("First part. second part.");
        }
    }

    @Test
    void theAskerCancelsATurnAndWhatStreamedIsStoredAsCancelled() {
        String room = unique("r");
        try (WsClient owner = WsClient.bearer(base, register(unique("owner")));
                WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            owner.join(room);
            alice.join(room);
            bob.join(room);
            CountDownLatch never = OLLAMA.replyHeld("Partial ", "rest");
            alice.say(room, "q", "@assistant long story please");
            String turnId = alice.await("assistant_start").path("turnId").asText();
            alice.await("assistant_delta");

            bob.send("type", "cancel_turn", "room", room, "turnId", turnId);
            assertThat(bob.await("error").path("code").asText()).isEqualTo("forbidden");

            alice.send("type", "cancel_turn", "room", room, "turnId", turnId);
            JsonNode m = reply(owner);
            assertThat(m.path("cancelled").asBoolean()).isTrue();
            assertThat(m.path("text").asText()).isEqualTo("Partial ");
            never.countDown();
        }
    }

    @Test
    void theRoomsOwnerCancelsATurnBeforeAnyTextAndEveryoneGetsCancelled() {
        String room = unique("r");
        try (WsClient owner = WsClient.bearer(base, register(unique("owner")));
                WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            owner.join(room);
            alice.join(room);
            CountDownLatch answer = OLLAMA.holdAnswer();
            alice.say(room, "q", "@assistant slow question");
            String turnId = owner.await("assistant_start").path("turnId").asText();
            owner.send("type", "cancel_turn", "room", room, "turnId", turnId);
            for (WsClient member : List.of(owner, alice)) {
                JsonNode error = member.await("assistant_error");
                assertThat(error.path("code").asText()).isEqualTo("cancelled");
                assertThat(error.path("turnId").asText()).isEqualTo(turnId);
            }
            assertThat(streamed(alice, turnId)).isEmpty();
            answer.countDown();
        }
    }

    @Test
    void aTurnCanBeCancelledByTheTimeAnyMemberIsToldItStarted() {
        Turn turn = new Turn(1, unique("r"), new Caller(unique("alice"), false), 1, "@assistant hi", "ollama/llama3.2", null, null);
        List<Turn> cancellableAtStart = new ArrayList<>();
        // a member answering assistant_start with cancel_turn at once is looked up the way AssistantHook.cancel does
        turn.start((room, event, to) -> cancellableAtStart.add(worker.live(turn.id())), relay, null);
        turn.finish();
        assertThat(cancellableAtStart).containsExactly(turn);
    }

    @Test
    void anotherNodesTurnCanBeCancelledByTheTimeAnyMemberHereIsToldItStarted() throws Exception {
        List<TurnRelay.Mirror> cancellableAtStart = new ArrayList<>();
        String turnId = unique("turn");
        TurnRelay[] here = new TurnRelay[1];
        // a member answering the mirrored assistant_start with cancel_turn at once is looked up as AssistantHook.cancel does
        here[0] = new TurnRelay(bus, hub, outbox, json, (room, event, to) -> cancellableAtStart.add(here[0].remote(turnId)));
        here[0].fromPeer("other-node", "s" + json.writeValueAsString(
                new TurnRelay.Started(unique("r"), turnId, 1, "ollama/llama3.2", null, unique("alice"), "")));
        assertThat(cancellableAtStart).hasSize(1).doesNotContainNull();
        assertThat(cancellableAtStart.get(0).node()).isEqualTo("other-node");
    }

    @Test
    void contextStartsAfterTheLastClearAndKeepsTheNewestMessagesWithinTheTokenBudget() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            alice.say(room, "old", "before the clear: the password is swordfish");
            alice.send("type", "send_message", "room", room, "clientId", "clear", "text", "/clear");
            alice.await("ack", a -> a.path("clientId").asText().equals("clear"));
            // five long messages of ~1,000 tokens each: more than LLM_CONTEXT_TOKENS (4096) together
            for (int i = 1; i <= 5; i++) {
                alice.say(room, "long" + i, "marker" + i + " " + longText(i));
            }
            alice.say(room, "q", "@assistant summarise");
            reply(alice);
            String request = OLLAMA.chatRequests().get(0).body().toString();
            assertThat(request).doesNotContain("swordfish").doesNotContain("marker1 ").contains("marker5 ", "marker4 ", "@assistant summarise");
        }
    }

    private static String longText(int seed) {
        StringBuilder b = new StringBuilder();
        java.util.Random random = new java.util.Random(seed);
        while (b.length() < 3800) {
            b.append((char) ('a' + random.nextInt(26))).append((char) ('a' + random.nextInt(26))).append(random.nextInt(100)).append(' ');
        }
        return b.toString();
    }

    @Test
    void aQuestionQueuedBehindAnotherIsAskedInTheContextItWasAskedIn() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            alice.say(room, "before", "the launch is on friday");
            CountDownLatch first = OLLAMA.holdAnswer();
            alice.say(room, "q1", "@assistant first question");
            alice.await("assistant_start", s -> s.path("queuePosition").isMissingNode() || s.path("queuePosition").isNull());
            JsonNode q2 = alice.say(room, "q2", "@assistant when is the launch?");
            alice.await("assistant_start", s -> s.path("replyTo").asLong() == q2.path("seq").asLong() && s.path("queuePosition").asInt() == 1);
            // a /clear while the question waits does not change what it asks
            alice.send("type", "send_message", "room", room, "clientId", "clear", "text", "/clear");
            alice.await("ack", a -> a.path("clientId").asText().equals("clear"));
            first.countDown();
            reply(alice);
            reply(alice);
            assertThat(OLLAMA.chatRequests()).hasSize(2);
            assertThat(OLLAMA.chatRequests().get(1).body().toString()).contains("the launch is on friday", "when is the launch?");
        }
    }

    @Test
    void theSameQuestionInTheSameContextIsAnsweredFromTheCacheWithoutTheProvider() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            OLLAMA.reply("Parley is a chat server.");
            alice.say(room, "q1", "@assistant what is parley?");
            assertThat(reply(alice).path("cached").asBoolean()).isFalse();
            alice.send("type", "send_message", "room", room, "clientId", "clear", "text", "/clear");
            alice.await("ack", a -> a.path("clientId").asText().equals("clear"));

            alice.say(room, "q2", "@assistant what is parley?");
            JsonNode cached = reply(alice);
            assertThat(cached.path("cached").asBoolean()).isTrue();
            assertThat(cached.path("text").asText()).isEqualTo("Parley is a chat server.");
            assertThat(cached.path("model").asText()).isEqualTo("ollama/llama3.2");
            assertThat(streamed(alice, cached.path("turnId").asText())).isEqualTo("Parley is a chat server.");
            assertThat(OLLAMA.chatRequests()).hasSize(1);
        }
    }

    static List<StandIn.Request> requests() {
        return OLLAMA.chatRequests();
    }
}
