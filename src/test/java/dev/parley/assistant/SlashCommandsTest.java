package dev.parley.assistant;

import static dev.parley.assistant.standin.StandIns.OLLAMA;
import static dev.parley.assistant.standin.StandIns.OPENAI;
import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.assistant.standin.StandIns;
import dev.parley.support.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC's slash commands: /help, /models, /model, /clear, /who. */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
class SlashCommandsTest extends AssistantTestSupport {
    @jakarta.inject.Inject
    ModelCatalog catalog;

    private static JsonNode command(WsClient client, String room, String text) {
        client.send("type", "send_message", "room", room, "clientId", unique("c"), "text", text);
        return client.await("command_result");
    }

    @Test
    void helpAnswersOnlyTheSenderAndStoresNothing() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            JsonNode result = command(alice, room, "/help");
            assertThat(result.path("command").asText()).isEqualTo("help");
            assertThat(result.path("room").asText()).isEqualTo(room);
            assertThat(result.path("text").asText()).contains("/models", "/model <id>", "/clear", "/who", "@assistant");
            alice.sync();
            bob.sync();
            assertThat(alice.received("ack")).isEmpty();
            assertThat(alice.received("message")).isEmpty();
            assertThat(bob.received("command_result")).isEmpty();
        }
    }

    @Test
    void modelsListsWhatEachProviderReportsItself() {
        catalog.forget(); // asked afresh, not kept from an earlier test
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            JsonNode result = command(alice, room, "/models");
            List<String> ids = new ArrayList<>();
            result.path("data").path("models").forEach(m -> ids.add(m.path("id").asText()));
            assertThat(ids).contains("ollama/llama3.2:latest", "ollama/qwen2.5:0.5b", "anthropic/claude-3-5-haiku-latest",
                    "openai/gpt-4o-mini", "openai/local-model");
            assertThat(result.path("data").path("current").asText()).isEqualTo("ollama/llama3.2");
            assertThat(result.path("text").asText()).contains("ollama/qwen2.5:0.5b");
            assertThat(OLLAMA.requests()).anyMatch(r -> r.path().equals("/api/tags"));
        }
    }

    @Test
    void modelSetsTheRoomsModelAnnouncesItAndTheNextTurnUsesIt() {
        String room = unique("r");
        String aliceName = unique("alice");
        String token = register(aliceName);
        try (WsClient alice = WsClient.bearer(base, token); WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            alice.send("type", "send_message", "room", room, "clientId", "m", "text", "/model openai/gpt-4o-mini");
            JsonNode ack = alice.await("ack");
            JsonNode notice = bob.await("message");
            assertThat(notice.path("kind").asText()).isEqualTo("system");
            assertThat(notice.path("text").asText()).isEqualTo(aliceName + " set the assistant's model to openai/gpt-4o-mini");
            assertThat(ack.path("seq").asLong()).isEqualTo(notice.path("seq").asLong());
            given().auth().oauth2(token).get("/api/rooms/" + room).then().statusCode(200)
                    .body("model", org.hamcrest.Matchers.equalTo("openai/gpt-4o-mini"));

            assertThat(command(alice, room, "/model").path("text").asText()).contains("openai/gpt-4o-mini");

            OPENAI.reply("from openai");
            alice.say(room, "q", "@assistant hi");
            JsonNode m = reply(bob);
            assertThat(m.path("model").asText()).isEqualTo("openai/gpt-4o-mini");
            assertThat(OPENAI.chatRequests()).hasSize(1);
            assertThat(OLLAMA.chatRequests()).isEmpty();
        }
    }

    @Test
    void modelRefusesAnIdOfNoKnownProvider() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            alice.send("type", "send_message", "room", room, "clientId", "bad", "text", "/model gemini/pro");
            JsonNode error = alice.await("error");
            assertThat(error.path("code").asText()).isEqualTo("bad_request");
            assertThat(error.path("ref").asText()).isEqualTo("bad");
            alice.send("type", "send_message", "room", room, "clientId", "bad2", "text", "/model llama");
            assertThat(alice.await("error").path("code").asText()).isEqualTo("bad_request");
        }
    }

    @Test
    void clearIsAnnouncedAndTheNextTurnSeesOnlyWhatCameAfterIt() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            alice.say(room, "a", "an old topic");
            alice.send("type", "send_message", "room", room, "clientId", "clear", "text", "/clear");
            JsonNode notice = alice.await("message", m -> "system".equals(m.path("kind").asText()));
            assertThat(notice.path("text").asText()).endsWith("cleared the assistant's context");
            alice.await("ack", a -> a.path("clientId").asText().equals("clear"));
            alice.say(room, "b", "a new topic @assistant");
            reply(alice);
            String request = OLLAMA.chatRequests().get(0).body().toString();
            assertThat(request).contains("a new topic").doesNotContain("an old topic").doesNotContain("cleared the assistant");
            // history is kept
            assertThat(alice.join(room, 0).path("messages")).hasSize(4);
        }
    }

    @Test
    void whoTellsWhoIsOnlineAndWhichMembersAreNot() {
        String room = unique("r");
        String aliceName = unique("alice");
        String bobName = unique("bob");
        try (WsClient alice = WsClient.bearer(base, register(aliceName))) {
            alice.join(room);
            try (WsClient bob = WsClient.bearer(base, register(bobName))) {
                bob.join(room);
            }
            alice.await("presence", p -> p.path("status").asText().equals("offline"));
            JsonNode result = command(alice, room, "/who");
            assertThat(result.path("data").path("online").toString()).contains(aliceName).doesNotContain(bobName);
            assertThat(result.path("data").path("offline").toString()).contains(bobName);
            assertThat(result.path("text").asText()).contains(aliceName, bobName);
        }
    }

    @Test
    void anUnknownCommandIsRefusedAndCommandsWorkOverRest() {
        String room = unique("r");
        String token = register(unique("alice"));
        try (WsClient alice = WsClient.bearer(base, token)) {
            alice.join(room);
            alice.send("type", "send_message", "room", room, "clientId", "x", "text", "/frobnicate now");
            assertThat(alice.await("error").path("code").asText()).isEqualTo("bad_request");
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("room", room, "text", "/help"))
                .post("/api/chat/message").then().statusCode(200)
                .body("command", org.hamcrest.Matchers.equalTo("help")).body("room", org.hamcrest.Matchers.equalTo(room))
                .body("text", org.hamcrest.Matchers.containsString("/clear"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("room", room, "text", "/models"))
                .post("/api/chat/message").then().statusCode(200)
                .body("command", org.hamcrest.Matchers.equalTo("models"))
                .body("data.models.id", org.hamcrest.Matchers.hasItem("ollama/llama3.2:latest"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("room", room, "text", "/frobnicate"))
                .post("/api/chat/message").then().statusCode(400).body("code", org.hamcrest.Matchers.equalTo("bad_request"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("room", room, "text", "/clear"))
                .post("/api/chat/message").then().statusCode(201).body("kind", org.hamcrest.Matchers.equalTo("system"));
    }

    @Test
    void modelIsForTheRoomsOwnerOthersGetForbiddenAndTheModelStays() {
        String room = unique("r");
        String aliceToken = register(unique("alice"));
        String bobToken = register(unique("bob"));
        try (WsClient alice = WsClient.bearer(base, aliceToken); WsClient bob = WsClient.bearer(base, bobToken)) {
            alice.join(room); // creates the room: alice owns it
            bob.join(room);
            bob.send("type", "send_message", "room", room, "clientId", "pricey", "text", "/model anthropic/claude-sonnet-4-5");
            JsonNode error = bob.await("error");
            assertThat(error.path("code").asText()).isEqualTo("forbidden");
            assertThat(error.path("ref").asText()).isEqualTo("pricey");
            given().auth().oauth2(bobToken).contentType(ContentType.JSON)
                    .body(Map.of("room", room, "text", "/model anthropic/claude-sonnet-4-5", "clientId", "pricey-rest"))
                    .post("/api/chat/message").then().statusCode(403).body("code", org.hamcrest.Matchers.equalTo("forbidden"));
            // any member may still ask which model the room uses
            assertThat(command(bob, room, "/model").path("data").path("model").asText()).isEqualTo("ollama/llama3.2");
            alice.sync();
            assertThat(alice.received("message")).isEmpty();
            given().auth().oauth2(aliceToken).get("/api/rooms/" + room).then().statusCode(200)
                    .body("model", org.hamcrest.Matchers.nullValue());

            // the owner may, over REST and over the WebSocket
            given().auth().oauth2(aliceToken).contentType(ContentType.JSON)
                    .body(Map.of("room", room, "text", "/model openai/gpt-4o-mini", "clientId", "owner-rest"))
                    .post("/api/chat/message").then().statusCode(201).body("kind", org.hamcrest.Matchers.equalTo("system"));
            useModel(alice, room, "anthropic/claude-sonnet-4-5");
        }
    }

    @Test
    void aModelIdWithANewlineOrOtherControlCharacterIsRefused() {
        String room = unique("r");
        String token = register(unique("alice"));
        try (WsClient alice = WsClient.bearer(base, token)) {
            alice.join(room);
            String[] forged = {"ollama/llama3.2\n2026-12-03 12:00:00 INFO [dev.parley] admin logged in",
                    "ollama/lla\rma3.2", "ollama/ll\u0007ama", "ollama/\u202ellama", "ollama/llama\u200b3.2"};
            for (int i = 0; i < forged.length; i++) {
                alice.send("type", "send_message", "room", room, "clientId", "forged" + i, "text", "/model " + forged[i]);
                JsonNode error = alice.await("error");
                assertThat(error.path("code").asText()).as(forged[i]).isEqualTo("bad_request");
                assertThat(error.path("ref").asText()).isEqualTo("forged" + i);
            }
            given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("room", room, "text", "/model " + forged[0]))
                    .post("/api/chat/message").then().statusCode(400).body("code", org.hamcrest.Matchers.equalTo("bad_request"));
            alice.sync();
            assertThat(alice.received("message")).isEmpty();
            given().auth().oauth2(token).get("/api/rooms/" + room).then().statusCode(200).body("model", org.hamcrest.Matchers.nullValue());
        }
    }

    @Test
    void commandResultCarriesTheClientIdOfTheMessageThatCarriedTheCommand() {
        String room = unique("r");
        String token = register(unique("alice"));
        try (WsClient alice = WsClient.bearer(base, token)) {
            alice.join(room);
            alice.send("type", "send_message", "room", room, "clientId", "help-1", "text", "/help");
            alice.send("type", "send_message", "room", room, "clientId", "who-2", "text", "/who");
            assertThat(alice.await("command_result", r -> r.path("command").asText().equals("help")).path("clientId").asText())
                    .isEqualTo("help-1");
            assertThat(alice.await("command_result", r -> r.path("command").asText().equals("who")).path("clientId").asText())
                    .isEqualTo("who-2");
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("room", room, "text", "/help", "clientId", "rest-3"))
                .post("/api/chat/message").then().statusCode(200).body("clientId", org.hamcrest.Matchers.equalTo("rest-3"));
    }
}
