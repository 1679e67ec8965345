package dev.parley.message;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §3 history paging, REST send, export. */
@QuarkusTest
class HistoryTest {
    @TestHTTPResource("/")
    URI base;

    private String roomWith(String token, int count) {
        String room = unique("h");
        try (WsClient c = WsClient.bearer(base, token)) {
            c.join(room);
            for (int i = 1; i <= count; i++) {
                c.send("type", "send_message", "room", room, "clientId", "m" + i, "text", "message " + i);
            }
            int last = count;
            c.await("ack", a -> a.path("seq").asLong() == last);
        }
        return room;
    }

    private static List<Integer> seqs(JsonPath page) {
        return page.getList("messages.seq", Integer.class);
    }

    @Test
    void historyPagesBackwardsAndForwardsWithHasMore() {
        String token = register(unique("u"));
        String room = roomWith(token, 120);
        JsonPath newest = given().auth().oauth2(token).get("/api/rooms/" + room + "/messages").then().statusCode(200).extract().jsonPath();
        assertThat(seqs(newest)).hasSize(50).startsWith(71).endsWith(120);
        assertThat(newest.getBoolean("hasMore")).isTrue();

        JsonPath before = given().auth().oauth2(token).queryParams(Map.of("before", 71, "limit", 60))
                .get("/api/rooms/" + room + "/messages").then().extract().jsonPath();
        assertThat(seqs(before)).hasSize(60).startsWith(11).endsWith(70);
        assertThat(before.getBoolean("hasMore")).isTrue();

        JsonPath oldest = given().auth().oauth2(token).queryParams(Map.of("before", 11))
                .get("/api/rooms/" + room + "/messages").then().extract().jsonPath();
        assertThat(seqs(oldest)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(oldest.getBoolean("hasMore")).isFalse();

        JsonPath after = given().auth().oauth2(token).queryParams(Map.of("after", 100, "limit", 15))
                .get("/api/rooms/" + room + "/messages").then().extract().jsonPath();
        assertThat(seqs(after)).hasSize(15).startsWith(101).endsWith(115);
        assertThat(after.getBoolean("hasMore")).isTrue();
        JsonPath tail = given().auth().oauth2(token).queryParams(Map.of("after", 115, "limit", 15))
                .get("/api/rooms/" + room + "/messages").then().extract().jsonPath();
        assertThat(seqs(tail)).containsExactly(116, 117, 118, 119, 120);
        assertThat(tail.getBoolean("hasMore")).isFalse();

        JsonPath byQuery = given().auth().oauth2(token).queryParams(Map.of("room", room, "before", 3))
                .get("/api/chat/history").then().statusCode(200).extract().jsonPath();
        assertThat(seqs(byQuery)).containsExactly(1, 2);
    }

    @Test
    void badPagingParametersGet400() {
        String token = register(unique("u"));
        String room = roomWith(token, 1);
        given().auth().oauth2(token).queryParam("limit", 201).get("/api/rooms/" + room + "/messages").then().statusCode(400)
                .body("code", equalTo("bad_request"));
        given().auth().oauth2(token).queryParam("limit", 0).get("/api/rooms/" + room + "/messages").then().statusCode(400);
        given().auth().oauth2(token).queryParams(Map.of("before", 5, "after", 1)).get("/api/rooms/" + room + "/messages").then().statusCode(400);
        given().auth().oauth2(token).queryParam("before", "abc").get("/api/rooms/" + room + "/messages").then().statusCode(400);
        given().auth().oauth2(token).get("/api/chat/history").then().statusCode(400);
    }

    @Test
    void aMessagePostedOverRestIsStoredBroadcastAndIdempotent() {
        String token = register(unique("u"));
        String room = unique("r");
        try (WsClient listener = WsClient.bearer(base, register(unique("l")))) {
            listener.join(room);
            JsonPath created = given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("room", room, "text", "via rest", "clientId", "rest-1"))
                    .post("/api/chat/message").then().statusCode(201).extract().jsonPath();
            assertThat(created.getString("text")).isEqualTo("via rest");
            assertThat(created.getInt("seq")).isEqualTo(1);
            JsonNode live = listener.await("message");
            assertThat(live.path("id").asLong()).isEqualTo(created.getLong("id"));

            JsonPath again = given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("room", room, "text", "via rest", "clientId", "rest-1"))
                    .post("/api/chat/message").then().statusCode(200).extract().jsonPath();
            assertThat(again.getLong("id")).isEqualTo(created.getLong("id"));
            listener.sync();
            assertThat(listener.received("message")).hasSize(1);
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("room", room))
                .post("/api/chat/message").then().statusCode(400);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("room", room, "text", "x".repeat(4001)))
                .post("/api/chat/message").then().statusCode(413).body("code", equalTo("too_large"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("room", unique("none"), "text", "hi"))
                .post("/api/chat/message").then().statusCode(404);
    }

    @Test
    void exportGivesTheRoomAndASpeakerAttributedTranscriptAsJsonAndJsonl() throws Exception {
        String user = unique("u");
        String token = register(user);
        String room = roomWith(token, 3);
        JsonPath json = given().auth().oauth2(token).queryParam("format", "json")
                .get("/api/rooms/" + room + "/export").then().statusCode(200).contentType("application/json").extract().jsonPath();
        assertThat(json.getString("room.name")).isEqualTo(room);
        assertThat(json.getString("room.owner")).isEqualTo(user);
        assertThat(json.getList("messages.speaker")).containsExactly(user, user, user);
        assertThat(json.getList("messages.text")).containsExactly("message 1", "message 2", "message 3");
        assertThat(json.getList("messages.kind")).containsOnly("user");

        String jsonl = given().auth().oauth2(token).queryParam("format", "jsonl")
                .get("/api/rooms/" + room + "/export").then().statusCode(200).contentType("application/x-ndjson").extract().asString();
        List<String> lines = jsonl.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(WsClient.JSON.readTree(lines.get(0)).path("type").asText()).isEqualTo("room");
        JsonNode first = WsClient.JSON.readTree(lines.get(1));
        assertThat(first.path("type").asText()).isEqualTo("message");
        assertThat(first.path("seq").asInt()).isEqualTo(1);
        assertThat(first.path("speaker").asText()).isEqualTo(user);

        given().auth().oauth2(token).queryParam("format", "xml").get("/api/rooms/" + room + "/export").then().statusCode(400);
    }
}
