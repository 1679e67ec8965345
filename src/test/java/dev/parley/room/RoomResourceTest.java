package dev.parley.room;

import static dev.parley.support.Api.adminToken;
import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §3 rooms, and SPEC's private-room rule across REST, join, resume and export. */
@QuarkusTest
class RoomResourceTest {
    @TestHTTPResource("/")
    URI base;

    private static io.restassured.specification.RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    /** The page of the room list where {@code room} belongs (the list is paged, and tests leave many rooms). */
    private static io.restassured.response.ValidatableResponse listedAround(String token, String room) {
        return as(token).queryParam("after", room.substring(0, room.length() - 1)).queryParam("limit", 5)
                .get("/api/rooms").then();
    }

    @Test
    void aRoomIsCreatedWithItsMetadataAndListed() {
        String owner = unique("own");
        String token = register(owner);
        String room = unique("r");
        as(token).body(Map.of("name", room, "description", "Planning", "tags", List.of("work", "q4"),
                "assistant", "always", "model", "ollama/llama3.2"))
                .post("/api/rooms").then().statusCode(201)
                .body("name", equalTo(room)).body("description", equalTo("Planning")).body("tags", contains("work", "q4"))
                .body("private", equalTo(false)).body("assistant", equalTo("always")).body("model", equalTo("ollama/llama3.2"))
                .body("owner", equalTo(owner)).body("lastSeq", equalTo(0)).body("online", equalTo(0));
        listedAround(token, room).statusCode(200).body("name", hasItem(room));
        as(token).get("/api/rooms/" + room).then().statusCode(200).body("description", equalTo("Planning"));
        as(token).body(Map.of("name", room)).post("/api/rooms").then().statusCode(409).body("code", equalTo("conflict"));
    }

    @Test
    void invalidRoomsAreRefusedWith400() {
        String token = register(unique("u"));
        as(token).body(Map.of("name", "Not Valid")).post("/api/rooms").then().statusCode(400).body("code", equalTo("bad_request"));
        as(token).body(Map.of("name", unique("r"), "assistant", "sometimes")).post("/api/rooms").then().statusCode(400);
        as(token).body(Map.of("name", unique("r"), "members", List.of("x"))).post("/api/rooms").then().statusCode(400);
        // a member who has no account (a typo) is refused, so that name cannot sign up into the room later
        String typo = unique("nobody");
        as(token).body(Map.of("name", unique("r"), "private", true, "members", List.of(typo))).post("/api/rooms").then()
                .statusCode(400).body("code", equalTo("bad_request")).body("error", org.hamcrest.Matchers.containsString(typo));
        as(token).get("/api/rooms/" + unique("missing")).then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void onlyTheOwnerOrAnAdminMayChangeOrDeleteARoom() {
        String ownerToken = register(unique("own"));
        String otherToken = register(unique("oth"));
        String adminToken = adminToken();
        String room = unique("r");
        as(ownerToken).body(Map.of("name", room)).post("/api/rooms").then().statusCode(201);
        as(otherToken).body(Map.of("description", "hijack")).patch("/api/rooms/" + room).then().statusCode(403)
                .body("code", equalTo("forbidden"));
        as(ownerToken).body(Map.of("description", "mine", "tags", List.of("a"), "assistant", "off"))
                .patch("/api/rooms/" + room).then().statusCode(200)
                .body("description", equalTo("mine")).body("assistant", equalTo("off"));
        as(otherToken).delete("/api/rooms/" + room).then().statusCode(403);
        as(adminToken).delete("/api/rooms/" + room).then().statusCode(204);
        as(ownerToken).get("/api/rooms/" + room).then().statusCode(404);
    }

    @Test
    void aPrivateRoomIsInvisibleToNonMembersEverywhere() {
        String ownerToken = register(unique("own"));
        String member = unique("mem");
        String memberToken = register(member);
        String outsiderToken = register(unique("out"));
        String room = unique("secret");
        as(ownerToken).body(Map.of("name", room, "private", true, "members", List.of(member)))
                .post("/api/rooms").then().statusCode(201).body("private", equalTo(true));
        try (WsClient owner = WsClient.bearer(base, ownerToken)) {
            owner.join(room);
            owner.say(room, "s1", "classified");
        }

        // REST: list, get, history (both forms), export, post all answer as if it did not exist
        listedAround(outsiderToken, room).statusCode(200).body("name", not(hasItem(room)));
        as(outsiderToken).get("/api/rooms/" + room).then().statusCode(404);
        as(outsiderToken).get("/api/rooms/" + room + "/messages").then().statusCode(404);
        as(outsiderToken).queryParam("room", room).get("/api/chat/history").then().statusCode(404);
        as(outsiderToken).get("/api/rooms/" + room + "/export?format=json").then().statusCode(404);
        as(outsiderToken).body(Map.of("room", room, "text", "let me in")).post("/api/chat/message").then().statusCode(404);
        as(outsiderToken).body(Map.of("description", "x")).patch("/api/rooms/" + room).then().statusCode(404);
        as(outsiderToken).body(Map.of("name", room)).post("/api/rooms").then().statusCode(409);

        // WebSocket: join and resume answer not_found
        try (WsClient outsider = WsClient.bearer(base, outsiderToken)) {
            outsider.send("type", "join_room", "room", room);
            assertThat(outsider.await("error").path("code").asText()).isEqualTo("not_found");
            outsider.send("type", "join_room", "room", room, "since", 0);
            assertThat(outsider.await("error").path("code").asText()).isEqualTo("not_found");
            outsider.sync();
            assertThat(outsider.received("joined")).isEmpty();
            assertThat(outsider.received("message")).isEmpty();
        }

        // members see it all
        listedAround(memberToken, room).body("name", hasItem(room));
        as(memberToken).get("/api/rooms/" + room + "/messages").then().statusCode(200).body("messages.text", contains("classified"));
        try (WsClient m = WsClient.bearer(base, memberToken)) {
            assertThat(m.join(room, 0).path("messages").get(0).path("text").asText()).isEqualTo("classified");
        }
    }

    @Test
    void changingAPrivateRoomsMembersRevokesAccessAndKeepsTheOwner() {
        String owner = unique("own");
        String ownerToken = register(owner);
        String alice = unique("ali");
        String aliceToken = register(alice);
        String bob = unique("bob");
        String bobToken = register(bob);
        String room = unique("secret");
        as(ownerToken).body(Map.of("name", room, "private", true, "members", List.of(alice)))
                .post("/api/rooms").then().statusCode(201).body("members", contains(owner, alice));
        as(aliceToken).get("/api/rooms/" + room).then().statusCode(200);
        as(bobToken).get("/api/rooms/" + room).then().statusCode(404);

        try (WsClient ownerWs = WsClient.bearer(base, ownerToken); WsClient aliceWs = WsClient.bearer(base, aliceToken)) {
            ownerWs.join(room);
            aliceWs.join(room);
            ownerWs.await("presence", p -> alice.equals(p.path("user").asText()) && "online".equals(p.path("status").asText()));

            // the new list leaves the owner out: the owner stays, alice goes, bob comes in
            as(ownerToken).body(Map.of("members", List.of(bob, bob))).patch("/api/rooms/" + room).then().statusCode(200)
                    .body("members", contains(owner, bob));

            // alice's open connection is taken out of the room at once and gets nothing more from it
            assertThat(aliceWs.await("left").path("room").asText()).isEqualTo(room);
            ownerWs.await("presence", p -> alice.equals(p.path("user").asText()) && "offline".equals(p.path("status").asText()));
            ownerWs.say(room, "after", "alice is gone");
            aliceWs.sync();
            assertThat(aliceWs.received("message")).isEmpty();
            aliceWs.send("type", "send_message", "room", room, "clientId", "x", "text", "still here?");
            assertThat(aliceWs.await("error").path("code").asText()).isEqualTo("not_joined");
        }
        as(aliceToken).get("/api/rooms/" + room).then().statusCode(404);
        listedAround(aliceToken, room).body("name", not(hasItem(room)));
        as(bobToken).get("/api/rooms/" + room).then().statusCode(200).body("members", contains(owner, bob));
        try (WsClient a = WsClient.bearer(base, aliceToken)) {
            a.send("type", "join_room", "room", room);
            assertThat(a.await("error").path("code").asText()).isEqualTo("not_found");
        }
    }

    @Test
    void joiningAnUnknownRoomCreatesAPublicRoomOwnedByTheJoiner() {
        String name = unique("j");
        String token = register(name);
        String room = unique("new");
        try (WsClient c = WsClient.bearer(base, token)) {
            c.join(room);
        }
        as(token).get("/api/rooms/" + room).then().statusCode(200)
                .body("owner", equalTo(name)).body("private", equalTo(false)).body("assistant", equalTo("mention"));
    }

    @Test
    void theRoomListShowsOnlineCounts() {
        String token = register(unique("u"));
        String room = unique("r");
        try (WsClient c = WsClient.bearer(base, token)) {
            c.join(room);
            as(token).get("/api/rooms/" + room).then().body("online", equalTo(1));
        }
    }
}
