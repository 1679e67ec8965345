package dev.parley.chat;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §2 room epoch: a room deleted and created again under its name is a new room to every client. */
@QuarkusTest
class EpochTest {
    @TestHTTPResource("/")
    URI base;

    @Test
    void aResumeIntoARoomCreatedAgainUnderTheSameNameIsNotRecoveredAndCarriesTheNewEpoch() {
        String room = unique("board");
        String ownerToken = register(unique("owner"));
        String bob = unique("bob");
        String bobToken = register(bob);
        given().auth().oauth2(ownerToken).contentType(ContentType.JSON)
                .body(Map.of("name", room, "private", true, "members", List.of(bob)))
                .post("/api/rooms").then().statusCode(201);
        long oldEpoch;
        long lastSeq;
        try (WsClient b = WsClient.bearer(base, bobToken)) {
            JsonNode joined = b.join(room);
            oldEpoch = joined.path("epoch").asLong();
            assertThat(oldEpoch).isPositive();
            b.say(room, "c1", "secret plans");
            lastSeq = b.say(room, "c2", "more plans").path("seq").asLong();
        }
        given().auth().oauth2(ownerToken).delete("/api/rooms/" + room).then().statusCode(204);
        // the squatter loops join_room until the name is free and owns a new public room under it
        try (WsClient squatter = WsClient.bearer(base, register(unique("squatter")));
                WsClient b = WsClient.bearer(base, bobToken)) {
            JsonNode created = squatter.join(room);
            long newEpoch = created.path("epoch").asLong();
            assertThat(newEpoch).isNotEqualTo(oldEpoch);
            squatter.say(room, "s1", "welcome to my room");

            b.send("type", "join_room", "room", room, "since", lastSeq, "epoch", oldEpoch);
            JsonNode resumed = b.await("joined");
            assertThat(resumed.path("epoch").asLong()).isEqualTo(newEpoch);
            assertThat(resumed.path("recovered").asBoolean()).isFalse();
            assertThat(resumed.path("messages").findValuesAsText("text")).containsExactly("welcome to my room");
            assertThat(given().auth().oauth2(bobToken).get("/api/rooms/" + room).then().statusCode(200)
                    .extract().jsonPath().getLong("epoch")).isEqualTo(newEpoch);
        }
    }

    @Test
    void aResumeWithTheRoomsOwnEpochIsRecoveredExactly() {
        String room = unique("r");
        try (WsClient a = WsClient.bearer(base, register(unique("alice")))) {
            JsonNode joined = a.join(room);
            long epoch = joined.path("epoch").asLong();
            long seq = a.say(room, "c1", "one").path("seq").asLong();
            a.say(room, "c2", "two");
            a.send("type", "join_room", "room", room, "since", seq, "epoch", epoch);
            JsonNode resumed = a.await("joined", f -> f.path("recovered").asBoolean());
            assertThat(resumed.path("epoch").asLong()).isEqualTo(epoch);
            assertThat(resumed.path("messages").findValuesAsText("text")).containsExactly("two");
        }
    }
}
