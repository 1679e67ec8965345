package dev.parley.cluster;

import static dev.parley.cluster.TwoNodes.as;
import static dev.parley.cluster.TwoNodes.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.durability.Burst;
import dev.parley.durability.ServerProcess;
import dev.parley.support.WsClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5 "Several nodes", over the wire only: two packaged nodes of one cluster ({@link TwoNodes}), clients on
 * each, and what one node's clients do reaching the other's: messages in one order, duplicates, presence, typing,
 * room changes, tickets, the gap filled after the nodes lost their pub/sub connections, and a node without Redis.
 * The assistant across nodes is {@link ClusterAssistantIT}; nodes that die or stop are {@link NodeDeathIT} and
 * {@link GracefulStopAcrossNodesIT}.
 */
class ClusterIT {
    /** Long enough for a burst of a few thousand messages to reach a member on a busy two-core machine. */
    private static final Duration BURST_DELIVERED = Duration.ofSeconds(60);
    private static TwoNodes nodes;

    @BeforeAll
    static void startNodes() throws Exception {
        nodes = TwoNodes.start(ClusterIT.class);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    // ---- messages ----

    @Test
    void aMessageSentThroughOneNodeReachesAMemberOnTheOther() {
        String room = unique("reach");
        try (WsClient onB = member(nodes.b, unique("bea"), room); WsClient onA = member(nodes.a, unique("al"), room)) {
            JsonNode ack = onA.say(room, "hello-1", "hello from node a");
            JsonNode m = onB.await("message", f -> "hello-1".equals(f.path("clientId").asText()));
            assertThat(m.path("id").asLong()).isEqualTo(ack.path("id").asLong());
            assertThat(m.path("seq").asLong()).isEqualTo(ack.path("seq").asLong());
            assertThat(m.path("text").asText()).isEqualTo("hello from node a");
            assertThat(m.path("kind").asText()).isEqualTo("user");
        }
    }

    @Test
    void aBurstFromBothNodesReachesMembersOnBothInOneSeqOrderWithNoGapAndNothingTwice() {
        String room = unique("burst");
        int perNode = 300;
        try (WsClient onA = member(nodes.a, unique("wa"), room); WsClient onB = member(nodes.b, unique("wb"), room)) {
            Burst fromA = Burst.start(nodes.a, unique("sa"), List.of(room), perNode);
            Burst fromB = Burst.start(nodes.b, unique("sb"), List.of(room), perNode);
            try {
                assertEveryMessageOnceInOneOrder(room, 2 * perNode, onA, onB);
            } finally {
                end(fromA, fromB);
            }
        }
    }

    @Test
    void theSameClientIdSentAgainThroughTheOtherNodeIsAckedAsADuplicate() {
        String room = unique("dup");
        String token = register(nodes.a, unique("dee"));
        try (WsClient onA = joined(nodes.a, token, room); WsClient onB = joined(nodes.b, token, room)) {
            JsonNode first = onA.say(room, "once", "only once");
            assertThat(first.path("duplicate").asBoolean()).isFalse();
            JsonNode again = onB.say(room, "once", "only once");
            assertThat(again.path("duplicate").asBoolean()).isTrue();
            assertThat(again.path("id").asLong()).isEqualTo(first.path("id").asLong());
            assertThat(again.path("seq").asLong()).isEqualTo(first.path("seq").asLong());
        }
        List<?> stored = as(nodes.b, token).get("/api/rooms/" + room + "/messages").then().statusCode(200)
                .extract().jsonPath().getList("messages");
        assertThat(stored).hasSize(1);
    }

    // ---- presence and typing ----

    @Test
    void presenceCountsAUsersConnectionsOnBothNodes() {
        String room = unique("here");
        String u = unique("u");
        String token = register(nodes.a, u);
        Predicate<JsonNode> aboutU = p -> u.equals(p.path("user").asText()) && room.equals(p.path("room").asText());
        try (WsClient watcher = member(nodes.a, unique("watch"), room); WsClient uOnA = joined(nodes.a, token, room)) {
            watcher.await("presence", aboutU.and(p -> "online".equals(p.path("status").asText())));
            try (WsClient uOnB = joined(nodes.b, token, room)) {
                // u leaves through a: still in the room through b, so still online
                uOnA.send("type", "leave_room", "room", room);
                uOnA.await("left");
                watcher.sync();
                assertThat(watcher.received("presence").stream().filter(aboutU)).as("u is still online through node b")
                        .noneMatch(p -> "offline".equals(p.path("status").asText()));

                // and through b too: offline
                uOnB.send("type", "leave_room", "room", room);
                uOnB.await("left");
                watcher.await("presence", aboutU.and(p -> "offline".equals(p.path("status").asText())));
                watcher.sync();
                assertThat(watcher.received("presence").stream().filter(aboutU).map(p -> p.path("status").asText()))
                        .as("one user in the room through two nodes is online once, then offline once")
                        .containsExactly("online", "offline");
            }
        }
    }

    @Test
    void aJoinerSeesAUserConnectedOnlyToTheOtherNodeAsOnline() {
        String room = unique("who");
        String onlyOnB = unique("bee");
        try (WsClient watcherOnA = member(nodes.a, unique("watch"), room); WsClient onB = member(nodes.b, onlyOnB, room)) {
            // node a has heard of b's join once its member is told
            watcherOnA.await("presence", p -> onlyOnB.equals(p.path("user").asText()) && "online".equals(p.path("status").asText()));
            try (WsClient joiner = WsClient.bearer(nodes.a.base(), register(nodes.a, unique("late")))) {
                JsonNode joined = joiner.join(room);
                assertThat(joined.path("members").findValuesAsText("user")).contains(onlyOnB);
                for (JsonNode m : joined.path("members")) {
                    if (onlyOnB.equals(m.path("user").asText())) {
                        assertThat(m.path("status").asText()).as("status of %s, connected to node b only", onlyOnB).isEqualTo("online");
                    }
                }
            }
        }
    }

    @Test
    void typingOnOneNodeReachesAMemberOnTheOther() {
        String room = unique("typing");
        String typist = unique("ty");
        try (WsClient onB = member(nodes.b, unique("reader"), room); WsClient onA = member(nodes.a, typist, room)) {
            onA.send("type", "typing", "room", room, "typing", true);
            JsonNode typing = onB.await("typing", t -> typist.equals(t.path("user").asText()));
            assertThat(typing.path("room").asText()).isEqualTo(room);
            assertThat(typing.path("typing").asBoolean()).isTrue();
        }
    }

    // ---- room changes ----

    @Test
    void aMemberRemovedThroughOneNodeLosesTheRoomOnTheOther() {
        String owner = unique("own");
        String ownerToken = register(nodes.a, owner);
        String member = unique("mem");
        String memberToken = register(nodes.b, member);
        String room = unique("private");
        as(nodes.a, ownerToken).body(Map.of("name", room, "private", true, "members", List.of(member)))
                .post("/api/rooms").then().statusCode(201);
        try (WsClient ownerOnA = joined(nodes.a, ownerToken, room); WsClient memberOnB = joined(nodes.b, memberToken, room)) {
            as(nodes.a, ownerToken).body(Map.of("members", List.of())).patch("/api/rooms/" + room).then().statusCode(200);

            assertThat(memberOnB.await("left").path("room").asText()).isEqualTo(room);
            memberOnB.send("type", "send_message", "room", room, "clientId", "after", "text", "still here?");
            assertThat(memberOnB.await("error").path("code").asText()).isEqualTo("not_joined");
            ownerOnA.await("presence", p -> member.equals(p.path("user").asText()) && "offline".equals(p.path("status").asText()));
        }
    }

    @Test
    void aRoomDeletedThroughOneNodeIsLeftByItsMembersOnTheOther() {
        String ownerToken = register(nodes.a, unique("own"));
        String room = unique("doomed");
        try (WsClient ownerOnA = joined(nodes.a, ownerToken, room); WsClient memberOnB = member(nodes.b, unique("mem"), room)) {
            as(nodes.a, ownerToken).delete("/api/rooms/" + room).then().statusCode(204);
            assertThat(memberOnB.await("left").path("room").asText()).isEqualTo(room);
            assertThat(ownerOnA.await("left").path("room").asText()).isEqualTo(room);
        }
    }

    // ---- tickets ----

    @Test
    void aTicketIssuedByOneNodeOpensASocketOnTheOtherOnce() {
        String token = register(nodes.a, unique("tix"));
        String ticket = ticket(nodes.a, token);
        try (WsClient onB = opened(nodes.b, ticket, "a ticket issued by node a, first used on node b")) {
            onB.sync();
        }
        assertThat(ticketRefusal(nodes.b, ticket)).as("second use on the node that redeemed it").isEqualTo(401);
        assertThat(ticketRefusal(nodes.a, ticket)).as("second use on the node that issued it").isEqualTo(401);

        String usedOnA = ticket(nodes.a, token);
        try (WsClient onA = opened(nodes.a, usedOnA, "a fresh ticket used on the node that issued it")) {
            onA.sync();
        }
        assertThat(ticketRefusal(nodes.b, usedOnA)).as("second use on the other node").isEqualTo(401);
    }

    // ---- Redis trouble ----

    @Test
    void membersOnBothNodesGetEveryMessageInOneOrderWhenTheirRedisConnectionsAreCutMidBurst() throws Exception {
        String room = unique("cut");
        int perNode = 1000;
        int total = 2 * perNode;
        try (WsClient onA = member(nodes.a, unique("wa"), room); WsClient onB = member(nodes.b, unique("wb"), room);
                RedisWire redis = new RedisWire(URI.create(TwoNodes.REDIS_URL))) {
            Burst fromA = Burst.start(nodes.a, unique("sa"), List.of(room), perNode);
            Burst fromB = Burst.start(nodes.b, unique("sb"), List.of(room), perNode);
            try {
                // first the subscriptions only (a network cut), then every connection of both nodes, publishing
                // ones too (what a Redis restart does to them)
                onB.await("message", m -> m.path("seq").asLong() >= total / 4, BURST_DELIVERED);
                assertThat(redis.cutPubSubOf(nodes.a.pid(), nodes.b.pid())).as("pub/sub connections of the nodes cut").isEqualTo(2);
                onB.await("message", m -> m.path("seq").asLong() >= total * 3 / 5, BURST_DELIVERED);
                await().atMost(Duration.ofSeconds(10)).until(() -> redis.pubSubOf(nodes.a.pid(), nodes.b.pid()).size() == 2);
                assertThat(redis.cutAllOf(nodes.a.pid(), nodes.b.pid())).as("every Redis connection of the nodes cut").isGreaterThan(2);
                assertEveryMessageOnceInOneOrder(room, total, onA, onB);
            } finally {
                end(fromA, fromB);
            }
        }
    }

    @Test
    void messagesSentThroughOneNodeCountAgainstTheSendersRateOnAnother() throws Exception {
        try (ServerProcess limited = nodes.node("limited", Map.of("MESSAGE_RATE_LIMIT", "3"))) {
            String room = unique("rate");
            String token = register(nodes.a, unique("fast"));
            try (WsClient onA = joined(nodes.a, token, room); WsClient onC = joined(limited, token, room)) {
                for (int i = 1; i <= 3; i++) {
                    onA.say(room, "via-a-" + i, "message " + i + " through node a, which has no limit");
                }
                onC.await("message", m -> "via-a-3".equals(m.path("clientId").asText()));
                onC.send("type", "send_message", "room", room, "clientId", "via-c", "text", "a fourth, through the limited node");
                JsonNode refused = onC.await("error");
                assertThat(refused.path("code").asText()).isEqualTo("rate_limited");
                assertThat(refused.path("ref").asText()).isEqualTo("via-c");
                assertThat(refused.path("retryAfterMs").asLong()).isPositive();
            }
        }
    }

    @Test
    void aNodeThatCannotReachRedisServesItsOwnClientsAndSaysDegraded() throws Exception {
        try (ServerProcess alone = nodes.node("no-redis", Map.of("REDIS_URL", "redis://127.0.0.1:" + closedPort()))) {
            String state = given().baseUri(alone.base().toString()).get("/q/health/ready").then().statusCode(200)
                    .extract().jsonPath().getString("checks.find { it.name == 'redis' }.data.state");
            assertThat(state).isEqualTo("degraded");

            String room = unique("island");
            try (WsClient one = member(alone, unique("one"), room); WsClient two = member(alone, unique("two"), room)) {
                JsonNode ack = one.say(room, "island-1", "anyone here?");
                JsonNode m = two.await("message", f -> "island-1".equals(f.path("clientId").asText()));
                assertThat(m.path("seq").asLong()).isEqualTo(ack.path("seq").asLong());
                two.send("type", "typing", "room", room, "typing", true);
                assertThat(one.await("typing").path("typing").asBoolean()).isTrue();
            }
        }
    }

    // ---- helpers ----

    /** A fresh user connected to a node and joined to the room. */
    static WsClient member(ServerProcess node, String username, String room) {
        return joined(node, register(node, username), room);
    }

    static WsClient joined(ServerProcess node, String token, String room) {
        WsClient client = WsClient.bearer(node.base(), token);
        client.join(room);
        return client;
    }

    /**
     * Waits until each client has the room's message with seq {@code total}, then asserts that each received seqs
     * 1..total in order, each once, and that all of them saw the same message at each seq.
     */
    static void assertEveryMessageOnceInOneOrder(String room, int total, WsClient... members) {
        List<Long> expected = LongStream.rangeClosed(1, total).boxed().toList();
        List<Long> ids = null;
        for (WsClient member : members) {
            member.await("message", m -> room.equals(m.path("room").asText()) && m.path("seq").asLong() == total, BURST_DELIVERED);
            member.sync();
            List<JsonNode> messages = member.received("message").stream().filter(m -> room.equals(m.path("room").asText())).toList();
            assertThat(messages.stream().map(m -> m.path("seq").asLong()).toList()).as("seqs a member received, in order")
                    .isEqualTo(expected);
            List<Long> theirIds = messages.stream().map(m -> m.path("id").asLong()).toList();
            if (ids != null) {
                assertThat(theirIds).as("the same message at each seq on every node").isEqualTo(ids);
            }
            ids = theirIds;
        }
    }

    static void end(Burst... bursts) {
        for (Burst burst : bursts) {
            burst.awaitSendingEnded();
            burst.client.close();
        }
    }

    private static String ticket(ServerProcess node, String token) {
        return as(node, token).post("/api/auth/ticket").then().statusCode(200).extract().path("ticket");
    }

    /** A socket opened with a ticket; a refused handshake fails the test with its status. */
    private static WsClient opened(ServerProcess node, String ticket, String what) {
        try {
            return WsClient.ticket(node.base(), ticket);
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new AssertionError(what + ": the handshake was refused with " + refused.getResponse().statusCode(), e);
            }
            throw e;
        }
    }

    /** The HTTP status that refuses a handshake with this ticket. */
    private static int ticketRefusal(ServerProcess node, String ticket) {
        Throwable t = catchThrowable(() -> WsClient.ticket(node.base(), ticket).close());
        assertThat(t).as("the handshake with a used ticket must be refused").isNotNull();
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        assertThat(cause).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) cause).getResponse().statusCode();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
