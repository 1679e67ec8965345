package dev.parley.chat;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.RawWs;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input gets the documented error; the connection stays open (where SPEC says so) and nothing is lost. */
@QuarkusTest
class ProtocolErrorsTest {
    @TestHTTPResource("/")
    URI base;

    private WsClient client() {
        return WsClient.bearer(base, register(unique("u")));
    }

    private static void assertError(JsonNode error, String code) {
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
    }

    @Test
    void malformedJsonGetsBadRequestAndTheConnectionStaysOpen() {
        try (WsClient c = client()) {
            c.sendRaw("{\"type\": \"ping\"");
            assertError(c.await("error"), "bad_request");
            c.sendRaw("[1,2,3]");
            assertError(c.await("error"), "bad_request");
            c.sendRaw("{\"no\":\"type\"}");
            assertError(c.await("error"), "bad_request");
            c.sync();
        }
    }

    @Test
    void anUnknownTypeGetsUnknownType() {
        try (WsClient c = client()) {
            c.send("type", "dance");
            JsonNode error = c.await("error");
            assertError(error, "unknown_type");
            assertThat(error.path("ref").asText()).isEqualTo("dance");
            c.sync();
        }
    }

    @Test
    void missingOrMistypedFieldsGetBadRequestNamingTheField() {
        String room = unique("r");
        try (WsClient c = client()) {
            c.join(room);
            c.send("type", "send_message", "room", room, "text", "no client id");
            assertThat(c.await("error").path("message").asText()).contains("clientId");
            c.send("type", "send_message", "room", room, "clientId", "k1", "text", 42);
            assertThat(c.await("error").path("message").asText()).contains("text");
            c.send("type", "typing", "room", room, "typing", "yes");
            assertError(c.await("error"), "bad_request");
            c.send("type", "join_room", "room", room, "since", -1);
            assertError(c.await("error"), "bad_request");
            c.send("type", "send_message", "room", room, "clientId", "x".repeat(65), "text", "hi");
            assertError(c.await("error"), "bad_request");
            c.send("type", "send_message", "room", room, "clientId", "k2", "text", "   ");
            assertError(c.await("error"), "bad_request");
            c.sync();
            assertThat(c.received("message")).isEmpty();
        }
    }

    @Test
    void textOverTheLimitGetsTooLargeWithTheClientIdAndIsNotStored() {
        String room = unique("r");
        try (WsClient c = client()) {
            c.join(room);
            c.send("type", "send_message", "room", room, "clientId", "big", "text", "x".repeat(4001));
            JsonNode error = c.await("error");
            assertError(error, "too_large");
            assertThat(error.path("ref").asText()).isEqualTo("big");
            // exactly at the limit is fine (counted in characters, not bytes)
            assertThat(c.say(room, "edge", "é".repeat(4000)).path("seq").asLong()).isEqualTo(1);
        }
    }

    @Test
    void aFrameOverTheFrameLimitGetsTooLarge() {
        String room = unique("r");
        try (WsClient c = client()) {
            c.join(room);
            String text = "y".repeat(70_000);
            c.sendRaw("{\"type\":\"send_message\",\"room\":\"" + room + "\",\"clientId\":\"f\",\"text\":\"" + text + "\"}");
            assertError(c.await("error"), "too_large");
            c.say(room, "after", "still works");
        }
    }

    @Test
    void aSingleFramePastWhatTheTransportReadsEndsOnlyThatConnection() throws Exception {
        String token = register(unique("u"));
        try (RawWs raw = new RawWs(base, token)) {
            raw.announceFrame(2_000_000);
            // Netty refuses the frame header at once and drops the TCP connection (1009 when it manages to say so)
            assertThat(raw.awaitCloseCode()).isIn(1009, -1);
        }
        try (WsClient again = WsClient.bearer(base, token)) {
            again.sync();
        }
    }

    @Test
    void aMessagePastWhatTheTransportAssemblesClosesTheConnectionWith1009() {
        try (WsClient c = client()) {
            c.sendRaw("{\"type\":\"ping\",\"pad\":\"" + "z".repeat(1_100_000) + "\"}");
            assertThat(c.awaitClose()[0]).isEqualTo(1009);
        }
    }

    @Test
    void invalidRoomNamesGetBadRequest() {
        try (WsClient c = client()) {
            for (String bad : new String[] {"Upper", "-dash", "", "a".repeat(65), "sp ace", "ünï"}) {
                c.send("type", "join_room", "room", bad);
                assertError(c.await("error"), "bad_request");
            }
            c.sync();
        }
    }

    @Test
    void sendingOrTypingInARoomNotJoinedGetsNotJoined() {
        String room = unique("r");
        try (WsClient c = client()) {
            c.send("type", "send_message", "room", room, "clientId", "a", "text", "hi");
            JsonNode error = c.await("error");
            assertError(error, "not_joined");
            assertThat(error.path("ref").asText()).isEqualTo("a");
            c.send("type", "typing", "room", room, "typing", true);
            assertError(c.await("error"), "not_joined");
            c.send("type", "leave_room", "room", room);
            assertError(c.await("error"), "not_joined");
        }
    }

    @Test
    void cancellingATurnThatDoesNotExistGetsNotFound() {
        String room = unique("r");
        try (WsClient c = client()) {
            c.join(room);
            c.send("type", "cancel_turn", "room", room, "turnId", "nope");
            assertError(c.await("error"), "not_found");
        }
    }

    @Test
    void anUnexpectedFailureGetsInternalAndTheConnectionAndRoomKeepWorking() {
        String room = unique("r");
        try (WsClient c = client()) {
            c.join(room);
            c.send("type", "send_message", "room", room, "clientId", "bug", "text", FaultInjectingHook.TRIGGER);
            JsonNode error = c.await("error");
            assertError(error, "internal");
            assertThat(error.path("ref").asText()).isEqualTo("bug");
            assertThat(c.say(room, "after", "still here").path("seq").asLong()).isEqualTo(1);
        }
    }

    @Test
    void aBinaryFrameGetsBadRequest() {
        try (WsClient c = client()) {
            c.sendBinary(new byte[] {1, 2, 3});
            assertError(c.await("error"), "bad_request");
            c.sync();
        }
    }

    @Test
    void aClientThatKeepsSendingInvalidFramesIsClosedWith1008() {
        try (WsClient c = client()) {
            for (int i = 0; i < 25 && c.isOpen(); i++) {
                c.sendRaw("garbage " + i);
            }
            assertThat(c.awaitClose()[0]).isEqualTo(1008);
        }
    }

    @Test
    void invalidUtf8GetsBadRequestAndNothingIsStored() throws Exception {
        String token = register(unique("u"));
        String room = unique("r");
        try (RawWs raw = new RawWs(base, token)) {
            raw.sendFrame(1, ("{\"type\":\"join_room\",\"room\":\"" + room + "\"}").getBytes(StandardCharsets.UTF_8));
            assertThat(raw.nextText()).contains("\"joined\"");
            byte[] prefix = ("{\"type\":\"send_message\",\"room\":\"" + room + "\",\"clientId\":\"u8\",\"text\":\"").getBytes(StandardCharsets.UTF_8);
            byte[] frame = java.util.Arrays.copyOf(prefix, prefix.length + 4);
            frame[prefix.length] = (byte) 0xC3;
            frame[prefix.length + 1] = (byte) 0x28;
            frame[prefix.length + 2] = '"';
            frame[prefix.length + 3] = '}';
            raw.sendFrame(1, frame);
            JsonNode error = WsClient.JSON.readTree(raw.nextText());
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("code").asText()).isEqualTo("bad_request");
            assertThat(error.path("message").asText()).contains("UTF-8");
            raw.sendFrame(1, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.nextText()).contains("pong");
        }
        try (WsClient c = WsClient.bearer(base, token)) {
            assertThat(c.join(room, 0).path("messages")).isEmpty();
        }
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aRoomNameMayNotBeUsedToReachAnotherRoomsHistoryThroughRest() {
        String token = register(unique("u"));
        given().auth().oauth2(token).get("/api/rooms/..%2Fetc/messages").then().statusCode(org.hamcrest.Matchers.anyOf(
                org.hamcrest.Matchers.is(400), org.hamcrest.Matchers.is(404)));
        given().auth().oauth2(token).queryParams(Map.of("room", "BAD NAME")).get("/api/chat/history").then().statusCode(400);
    }

    @Test
    void aNulCharacterInTextGetsBadRequestAndIsNotStored() {
        String room = unique("r");
        try (WsClient c = client()) {
            c.join(room);
            c.send("type", "send_message", "room", room, "clientId", "nul", "text", "a\u0000b");
            JsonNode error = c.await("error");
            assertError(error, "bad_request");
            assertThat(error.path("ref").asText()).isEqualTo("nul");
            assertThat(c.say(room, "ok", "fine").path("seq").asLong()).isEqualTo(1);
        }
    }

    @Test
    void textIsStoredAndDeliveredVerbatim() {
        String room = unique("r");
        String hostile = "<script>alert(1)</script> & <img src=x onerror=alert(2)> \u202e\u0007 \uD83D\uDE00 \\n \"q\"";
        try (WsClient c = client()) {
            c.join(room);
            c.say(room, "v", hostile);
            assertThat(c.await("message").path("text").asText()).isEqualTo(hostile);
            assertThat(c.join(room, 0).path("messages").get(0).path("text").asText()).isEqualTo(hostile);
        }
    }
}
