package dev.parley.presence;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.RawWs;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC §2 presence and typing. */
@QuarkusTest
class PresenceTest {
    @TestHTTPResource("/")
    URI base;

    @Test
    void joiningAndLeavingAreAnnouncedToTheOthers() {
        String room = unique("r");
        String bobName = unique("bob");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(bobName))) {
            alice.join(room);
            JsonNode joined = bob.join(room);
            assertThat(joined.path("members").findValuesAsText("user")).contains(bobName);
            JsonNode online = alice.await("presence");
            assertThat(online.path("user").asText()).isEqualTo(bobName);
            assertThat(online.path("status").asText()).isEqualTo("online");
            bob.send("type", "leave_room", "room", room);
            assertThat(bob.await("left").path("room").asText()).isEqualTo(room);
            JsonNode offline = alice.await("presence", p -> "offline".equals(p.path("status").asText()));
            assertThat(offline.path("user").asText()).isEqualTo(bobName);
            bob.sync();
            assertThat(bob.received("presence")).as("the joiner is not told about themself").isEmpty();
        }
    }

    @Test
    void twoTabsOfOneUserCountOnce() {
        String room = unique("r");
        String bobToken = register(unique("bob"));
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient tab1 = WsClient.bearer(base, bobToken);
                WsClient tab2 = WsClient.bearer(base, bobToken)) {
            alice.join(room);
            tab1.join(room);
            alice.await("presence");
            tab2.join(room);
            tab1.close();
            alice.sync();
            assertThat(alice.received("presence")).as("second tab and its sibling closing change nothing").hasSize(1);
            tab2.close();
            assertThat(alice.await("presence").path("status").asText()).isEqualTo("offline");
        }
    }

    @Test
    void theJoinedFrameListsMembersWithTheirStatus() {
        String room = unique("r");
        String aliceName = unique("alice");
        String bobName = unique("bob");
        try (WsClient alice = WsClient.bearer(base, register(aliceName))) {
            alice.join(room);
            try (WsClient bob = WsClient.bearer(base, register(bobName))) {
                bob.join(room);
            }
            alice.await("presence", p -> "offline".equals(p.path("status").asText()));
            JsonNode rejoined = alice.join(room, 0);
            JsonNode members = rejoined.path("members");
            assertThat(members).anySatisfy(m -> {
                assertThat(m.path("user").asText()).isEqualTo(aliceName);
                assertThat(m.path("status").asText()).isEqualTo("online");
            });
            assertThat(members).anySatisfy(m -> {
                assertThat(m.path("user").asText()).isEqualTo(bobName);
                assertThat(m.path("status").asText()).isEqualTo("offline");
            });
        }
    }

    @Test
    void aConnectionThatVanishesWithoutClosingIsShownOfflineAfterTheHeartbeatTimeout() throws Exception {
        String room = unique("r");
        String ghostName = unique("ghost");
        String ghostToken = register(ghostName);
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                RawWs ghost = new RawWs(base, ghostToken)) {
            alice.join(room);
            ghost.sendFrame(1, ("{\"type\":\"join_room\",\"room\":\"" + room + "\"}").getBytes(StandardCharsets.UTF_8));
            alice.await("presence", p -> "online".equals(p.path("status").asText()));
            // the ghost now answers nothing, not even the server's pings (test heartbeat: 3 s)
            assertThat(ghost.awaitCloseCode()).isEqualTo(1001);
            JsonNode offline = alice.await("presence", p -> "offline".equals(p.path("status").asText()));
            assertThat(offline.path("user").asText()).isEqualTo(ghostName);
        }
    }

    @Test
    void joinedListsEveryMemberOnceInJoinOrderWithWhoIsOnline() {
        String room = unique("r");
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        String aliceToken = register(alice);
        try (WsClient a = WsClient.bearer(base, aliceToken); WsClient b = WsClient.bearer(base, register(bob));
                WsClient c = WsClient.bearer(base, register(carol))) {
            a.join(room);
            b.join(room);
            b.send("type", "leave_room", "room", room);
            b.await("left");
            JsonNode joined = c.join(room);
            assertThat(joined.path("members").findValuesAsText("user")).containsExactly(alice, bob, carol);
            assertThat(joined.path("members").findValuesAsText("status")).containsExactly("online", "offline", "online");
            try (WsClient secondTab = WsClient.bearer(base, aliceToken)) {
                JsonNode again = secondTab.join(room);
                assertThat(again.path("members").findValuesAsText("user")).as("a member who joins again is listed once")
                        .containsExactly(alice, bob, carol);
            }
        }
    }

    @Test
    void aConnectionThatKeepsTalkingGetsNoPingsAndStaysConnected() throws Exception {
        String room = unique("r");
        try (RawWs talker = new RawWs(base, register(unique("talker")))) {
            talker.sendFrame(1, ("{\"type\":\"join_room\",\"room\":\"" + room + "\"}").getBytes(StandardCharsets.UTF_8));
            assertThat(talker.nextText()).contains("\"joined\"");
            List<Integer> skipped = new ArrayList<>();
            // the client talks every 0.4 s for 4 s: past the test ping interval (1 s) and heartbeat timeout (3 s). It
            // answers no ping, so a ping sent to it would show here, and silence would have closed it.
            for (int i = 0; i < 10; i++) {
                talker.sendFrame(1, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
                assertThat(talker.nextText(skipped::add)).contains("\"pong\"");
                Thread.sleep(400); // the client's own pace, not a wait for the server
            }
            assertThat(skipped).as("WebSocket frames other than text sent to a talking connection").doesNotContain(9);
        }
    }

    @Test
    void aClientThatOnlyAnswersWebSocketPingsStaysOnline() {
        String room = unique("r");
        String aliceName = unique("alice");
        try (WsClient alice = WsClient.bearer(base, register(aliceName));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            // alice sends no frame at all from here: only the JDK client's automatic pong frames answer the server's
            // pings (every 1 s in tests). Past the 3 s heartbeat timeout she must still be connected and online.
            org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(5)).atMost(java.time.Duration.ofSeconds(8))
                    .until(alice::isOpen);
            bob.sync();
            assertThat(bob.received("presence")).noneMatch(p -> aliceName.equals(p.path("user").asText())
                    && "offline".equals(p.path("status").asText()));
        }
    }

    @Test
    void typingIsShownToTheOthersAndExpiresWithoutARefresh() {
        String room = unique("r");
        String bobName = unique("bob");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(bobName))) {
            alice.join(room);
            bob.join(room);
            bob.send("type", "typing", "room", room, "typing", true);
            JsonNode on = alice.await("typing");
            assertThat(on.path("user").asText()).isEqualTo(bobName);
            assertThat(on.path("typing").asBoolean()).isTrue();
            // no refresh: the server ends it by itself (test timeout 1 s, default 6 s)
            JsonNode off = alice.await("typing");
            assertThat(off.path("typing").asBoolean()).isFalse();
            bob.sync();
            assertThat(bob.received("typing")).as("the typist is not told about themself").isEmpty();
        }
    }

    @Test
    void typingEndsWhenTheTypistsMessageArrives() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            bob.send("type", "typing", "room", room, "typing", true);
            alice.await("typing");
            bob.say(room, "t1", "done typing");
            JsonNode off = alice.await("typing");
            assertThat(off.path("typing").asBoolean()).isFalse();
            alice.await("message");
        }
    }

    @Test
    void typingRefreshesAreNotRepeatedToTheOthers() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            bob.send("type", "typing", "room", room, "typing", true);
            bob.send("type", "typing", "room", room, "typing", true);
            bob.send("type", "typing", "room", room, "typing", false);
            alice.await("typing", t -> !t.path("typing").asBoolean());
            bob.sync();
            alice.sync();
            assertThat(alice.received("typing")).extracting(t -> t.path("typing").asBoolean()).containsExactly(true, false);
        }
    }
}
