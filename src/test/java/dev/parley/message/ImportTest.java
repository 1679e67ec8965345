package dev.parley.message;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §3 transcript import: {@code POST /api/rooms/{room}/import?format=jsonl}. */
@QuarkusTest
class ImportTest {
    private static final String ASSISTANT_LINE = """
            {"type":"message","seq":9,"id":77,"ts":"2026-11-21T21:04:05.123Z","speaker":"assistant","kind":"assistant",\
            "text":"Use a `HashMap`.","model":"ollama/llama3.2","turnId":"t-1","cached":false,\
            "usage":{"inputTokens":12,"outputTokens":5}}""";

    @TestHTTPResource("/")
    URI base;

    private static void createRoom(String token, String room) {
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("name", room))
                .post("/api/rooms").then().statusCode(201);
    }

    private static String exportJsonl(String token, String room) {
        return given().auth().oauth2(token).queryParam("format", "jsonl").get("/api/rooms/" + room + "/export")
                .then().statusCode(200).extract().asString();
    }

    private static io.restassured.response.ValidatableResponse importInto(String token, String room, String body) {
        return given().auth().oauth2(token).contentType("application/x-ndjson").queryParam("format", "jsonl").body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/rooms/" + room + "/import").then();
    }

    /** The message lines of an export without what an import renews (ids) or adds (the imported mark). */
    private static List<JsonNode> comparable(String jsonl) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : jsonl.lines().toList()) {
            ObjectNode node = (ObjectNode) WsClient.JSON.readTree(line);
            if (node.path("type").asText().equals("message")) {
                node.remove(List.of("id", "imported", "clientId"));
                out.add(node);
            }
        }
        return out;
    }

    @Test
    void anExportImportedIntoANewRoomExportsTheSameTranscriptMarkedImported() throws Exception {
        String alice = unique("a");
        String token = register(alice);
        String source = unique("src");
        try (WsClient c = WsClient.bearer(base, token)) {
            c.join(source);
            c.say(source, "m1", "hello");
            c.say(source, "m2", "second line\nwith a newline");
            c.say(source, "m3", "/clear");
            c.await("message", m -> m.path("kind").asText().equals("system"));
        }
        String exported = exportJsonl(token, source);
        String copy = unique("copy");
        createRoom(token, copy);

        importInto(token, copy, exported).statusCode(200)
                .body("imported", equalTo(3)).body("lastSeq", equalTo(3)).body("room", equalTo(copy));

        String reExported = exportJsonl(token, copy);
        assertThat(comparable(reExported)).isEqualTo(comparable(exported));
        JsonPath history = given().auth().oauth2(token).get("/api/rooms/" + copy + "/messages").then().statusCode(200)
                .extract().jsonPath();
        assertThat(history.getList("messages.imported", Boolean.class)).containsExactly(true, true, true);
        assertThat(history.getList("messages.sender")).containsExactly(alice, alice, "system");
        assertThat(history.getList("messages.kind")).containsExactly("user", "user", "system");

        // the room goes on after the imported messages
        try (WsClient c = WsClient.bearer(base, token)) {
            JsonNode joined = c.join(copy);
            assertThat(joined.path("lastSeq").asLong()).isEqualTo(3);
            JsonNode ack = c.say(copy, "after", "a new line");
            assertThat(ack.path("seq").asLong()).isEqualTo(4);
            JsonNode live = c.await("message", m -> m.path("seq").asLong() == 4);
            assertThat(live.has("imported")).as("a live message is not marked imported").isFalse();
        }
    }

    @Test
    void anAssistantLineKeepsItsSpeakerModelTurnAndUsage() {
        String token = register(unique("a"));
        String room = unique("asst");
        createRoom(token, room);

        importInto(token, room, ASSISTANT_LINE + "\n").statusCode(200).body("imported", equalTo(1));

        JsonPath m = given().auth().oauth2(token).get("/api/rooms/" + room + "/messages").then().statusCode(200)
                .extract().jsonPath();
        assertThat(m.getString("messages[0].sender")).isEqualTo("assistant");
        assertThat(m.getString("messages[0].kind")).isEqualTo("assistant");
        assertThat(m.getString("messages[0].model")).isEqualTo("ollama/llama3.2");
        assertThat(m.getString("messages[0].turnId")).isEqualTo("t-1");
        assertThat(m.getInt("messages[0].usage.outputTokens")).isEqualTo(5);
        assertThat(m.getString("messages[0].ts")).isEqualTo("2026-11-21T21:04:05.123Z");
        assertThat(m.getLong("messages[0].seq")).isEqualTo(1);
    }

    @Test
    void aBadLineIsRefusedWithItsNumberAndNothingIsStored() {
        String token = register(unique("a"));
        String room = unique("bad");
        createRoom(token, room);
        String body = "{\"type\":\"room\",\"name\":\"x\"}\n"
                + "{\"type\":\"message\",\"speaker\":\"bob\",\"kind\":\"user\",\"text\":\"fine\"}\n"
                + "{\"type\":\"message\",\"speaker\":\"bob\",\"kind\":\"robot\",\"text\":\"bad kind\"}\n";

        importInto(token, room, body).statusCode(400).body("code", equalTo("bad_request"))
                .body("error", containsString("line 3"));
        importInto(token, room, "{\"type\":\"message\",\"speaker\":\"bob\",\"kind\":\"user\",\"text\":\"ok\"}\nnot json\n")
                .statusCode(400).body("error", containsString("line 2"));

        given().auth().oauth2(token).get("/api/rooms/" + room + "/messages").then().statusCode(200)
                .body("messages.size()", equalTo(0));
        given().auth().oauth2(token).get("/api/rooms/" + room).then().body("lastSeq", equalTo(0));
    }

    @Test
    void onlyTheOwnerMayImportAndOthersSeeAPrivateRoomAsMissing() {
        String owner = register(unique("o"));
        String other = register(unique("x"));
        String open = unique("open");
        createRoom(owner, open);
        String hidden = unique("hid");
        given().auth().oauth2(owner).contentType(ContentType.JSON).body(Map.of("name", hidden, "private", true))
                .post("/api/rooms").then().statusCode(201);

        importInto(other, open, ASSISTANT_LINE).statusCode(403).body("code", equalTo("forbidden"));
        importInto(other, hidden, ASSISTANT_LINE).statusCode(404).body("code", equalTo("not_found"));
        importInto(other, unique("none"), ASSISTANT_LINE).statusCode(404);
        given().auth().oauth2(owner).get("/api/rooms/" + open + "/messages").then().body("messages.size()", equalTo(0));
    }

    @Test
    void aRoomThatAlreadyHasMessagesIsAConflict() {
        String token = register(unique("a"));
        String room = unique("busy");
        try (WsClient c = WsClient.bearer(base, token)) {
            c.join(room);
            c.say(room, "m1", "already here");
        }

        importInto(token, room, ASSISTANT_LINE).statusCode(409).body("code", equalTo("conflict"));

        given().auth().oauth2(token).get("/api/rooms/" + room + "/messages").then()
                .body("messages.size()", equalTo(1)).body("messages[0].text", equalTo("already here"));
    }
}
