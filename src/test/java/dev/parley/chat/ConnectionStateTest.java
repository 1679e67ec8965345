package dev.parley.chat;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.presence.PresenceTracker;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** A connection's state has one owner (its event loop): concurrent joins, removals and leaves leave nothing behind. */
@QuarkusTest
class ConnectionStateTest {
    @TestHTTPResource("/")
    URI base;

    @Inject
    RoomHub hub;

    @Inject
    PresenceTracker presence;

    @Test
    void aHundredConcurrentFirstJoinsOfOneUserAllGetJoined() throws Exception {
        String user = unique("tabs");
        String token = register(user);
        String room = unique("r");
        List<WsClient> tabs = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                tabs.add(WsClient.bearer(base, token));
            }
            List<CompletableFuture<JsonNode>> joins = new ArrayList<>();
            for (WsClient tab : tabs) {
                joins.add(CompletableFuture.supplyAsync(() -> tab.join(room), pool));
            }
            for (CompletableFuture<JsonNode> join : joins) {
                assertThat(join.get().path("room").asText()).isEqualTo(room);
            }
            for (WsClient tab : tabs) {
                assertThat(tab.sync().received("error")).isEmpty();
            }
            assertThat(presence.online(room)).containsExactly(user);
        } finally {
            tabs.forEach(WsClient::close);
        }
    }

    @Test
    void aMemberRemovedWhileJoiningAgainAndAgainEndsOutsideTheRoomAndOffline() {
        String owner = unique("owner");
        String ownerToken = register(owner);
        String bob = unique("bob");
        String bobToken = register(bob);
        String room = unique("r");
        given().auth().oauth2(ownerToken).contentType(ContentType.JSON)
                .body(Map.of("name", room, "private", true, "members", List.of(bob)))
                .post("/api/rooms").then().statusCode(201);
        try (WsClient alice = WsClient.bearer(base, ownerToken);
                WsClient b = WsClient.bearer(base, bobToken)) {
            alice.join(room);
            for (int i = 0; i < 25; i++) {
                // joins in flight while the owner takes bob out and lets him back in
                b.send("type", "join_room", "room", room);
                b.send("type", "join_room", "room", room);
                patchMembers(ownerToken, room, List.of());
                patchMembers(ownerToken, room, List.of(bob));
            }
            patchMembers(ownerToken, room, List.of());
            b.sync();
            await().atMost(Duration.ofSeconds(10)).until(() -> !presence.isOnline(room, bob));
            // bob's connection is not in the room: it can neither send nor receive there
            b.send("type", "send_message", "room", room, "clientId", "late", "text", "still here?");
            assertThat(b.await("error", f -> "late".equals(f.path("ref").asText())).path("code").asText()).isEqualTo("not_joined");
            JsonNode ack = alice.say(room, "after", "bob must not see this");
            alice.sync();
            b.sync();
            assertThat(b.received("message")).noneMatch(m -> m.path("seq").asLong() == ack.path("seq").asLong());
            // the last word about bob the others got is that he is offline
            List<JsonNode> aboutBob = alice.received("presence").stream().filter(p -> bob.equals(p.path("user").asText())).toList();
            assertThat(aboutBob).isNotEmpty();
            assertThat(aboutBob.get(aboutBob.size() - 1).path("status").asText()).isEqualTo("offline");
            // and for bob's connection, whatever it heard of the room last was that it is out of it
            List<JsonNode> roomFrames = b.received().stream()
                    .filter(f -> room.equals(f.path("room").asText()) || "join_room".equals(f.path("ref").asText())).toList();
            JsonNode last = roomFrames.get(roomFrames.size() - 1);
            assertThat(last.path("type").asText().equals("left") || "not_found".equals(last.path("code").asText()))
                    .as("last frame for the room: %s", last).isTrue();
        }
    }

    @Test
    void roomsJoinedAndLeftLeaveNoSubscriptionOrPresenceBehind() {
        int roomsBefore = hub.activeRooms();
        int presenceBefore = presence.rooms();
        String prefix = unique("churn");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            for (int i = 0; i < 200; i++) {
                alice.send("type", "join_room", "room", prefix + i);
            }
            for (int i = 0; i < 200; i++) {
                alice.send("type", "leave_room", "room", prefix + i);
            }
            alice.sync();
            assertThat(alice.received("joined")).hasSize(200);
            assertThat(alice.received("left")).hasSize(200);
        }
        try (WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            for (int i = 0; i < 200; i++) {
                bob.send("type", "join_room", "room", prefix + i);
            }
            bob.sync();
            assertThat(bob.received("joined")).hasSize(200);
        } // closed without leaving
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(hub.activeRooms()).isLessThanOrEqualTo(roomsBefore);
            assertThat(presence.rooms()).isLessThanOrEqualTo(presenceBefore);
        });
    }

    private static void patchMembers(String token, String room, List<String> members) {
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("members", members))
                .patch("/api/rooms/" + room).then().statusCode(200);
    }
}
