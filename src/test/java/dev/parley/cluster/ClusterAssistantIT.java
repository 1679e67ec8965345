package dev.parley.cluster;

import static dev.parley.cluster.ClusterIT.joined;
import static dev.parley.cluster.ClusterIT.member;
import static dev.parley.cluster.TwoNodes.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5 and §2 "The assistant" across nodes: a turn asked through one node streams to members on the other, a
 * member joining through the other node mid-turn sees it so far and on, {@code cancel_turn} works from any node,
 * one turn at a time per room across nodes, and errors reach every node. Both nodes use one Ollama stand-in, whose
 * script is shared: each test consumes its own steps in order.
 */
class ClusterAssistantIT {
    private static TwoNodes nodes;

    @BeforeAll
    static void startNodes() throws Exception {
        nodes = TwoNodes.start(ClusterAssistantIT.class);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @BeforeEach
    void freshScript() {
        nodes.ollama.reset();
    }

    @Test
    void aTurnAskedThroughOneNodeStreamsToAMemberOnTheOtherAndItsReplyReachesBoth() {
        String room = unique("ask");
        try (WsClient onB = member(nodes.b, unique("bea"), room); WsClient asker = member(nodes.a, unique("al"), room)) {
            nodes.ollama.reply("Hel", "lo ", "world");
            JsonNode ack = asker.say(room, "q", "@assistant say hello");
            JsonNode start = onB.await("assistant_start");
            String turnId = start.path("turnId").asText();
            assertThat(start.path("replyTo").asLong()).isEqualTo(ack.path("seq").asLong());
            assertThat(start.path("model").asText()).isEqualTo("ollama/llama3.2");

            JsonNode onBReply = reply(onB);
            JsonNode onAReply = reply(asker);
            assertThat(streamedText(onB, turnId)).isEqualTo("Hello world");
            for (JsonNode m : List.of(onAReply, onBReply)) {
                assertThat(m.path("turnId").asText()).isEqualTo(turnId);
                assertThat(m.path("text").asText()).isEqualTo("Hello world");
                assertThat(m.path("seq").asLong()).isEqualTo(ack.path("seq").asLong() + 1);
                assertThat(m.path("id").asLong()).isEqualTo(onAReply.path("id").asLong());
            }
        }
    }

    @Test
    void aMemberWhoJoinsThroughTheOtherNodeMidTurnGetsTheTextSoFarThenTheRest() {
        String room = unique("midturn");
        try (WsClient asker = member(nodes.a, unique("al"), room)) {
            CountDownLatch rest = nodes.ollama.replyHeld("First part. ", "second ", "part.");
            try {
                asker.say(room, "q", "@assistant tell me");
                String turnId = asker.await("assistant_start").path("turnId").asText();
                asker.await("assistant_delta", d -> d.path("text").asText().equals("First part. "));

                try (WsClient late = member(nodes.b, unique("late"), room)) {
                    JsonNode start = late.await("assistant_start");
                    assertThat(start.path("turnId").asText()).isEqualTo(turnId);
                    JsonNode soFar = late.await("assistant_delta");
                    assertThat(soFar.path("text").asText()).isEqualTo("First part. ");
                    rest.countDown();
                    JsonNode m = reply(late);
                    assertThat(m.path("turnId").asText()).isEqualTo(turnId);
                    assertThat(m.path("text").asText()).isEqualTo("First part. second part.");
                    assertThat(streamedText(late, turnId)).isEqualTo("First part. second part.");
                }
            } finally {
                rest.countDown();
            }
        }
    }

    @Test
    void theAskerCancelsThroughTheOtherNodeATurnRunningOnTheFirst() {
        String room = unique("cancel");
        String askerToken = register(nodes.a, unique("al"));
        try (WsClient askerOnA = joined(nodes.a, askerToken, room); WsClient askerOnB = joined(nodes.b, askerToken, room);
                WsClient memberOnB = member(nodes.b, unique("bea"), room)) {
            CountDownLatch never = nodes.ollama.replyHeld("Partial ", "rest");
            try {
                askerOnA.say(room, "q", "@assistant long story please");
                String turnId = memberOnB.await("assistant_start").path("turnId").asText();
                memberOnB.await("assistant_delta", d -> turnId.equals(d.path("turnId").asText()));

                askerOnB.send("type", "cancel_turn", "room", room, "turnId", turnId);
                for (WsClient member : List.of(askerOnA, memberOnB)) {
                    JsonNode m = reply(member);
                    assertThat(m.path("turnId").asText()).isEqualTo(turnId);
                    assertThat(m.path("cancelled").asBoolean()).as("the reply is stored as cancelled").isTrue();
                    assertThat(m.path("text").asText()).isEqualTo("Partial ");
                }
            } finally {
                never.countDown();
            }
        }
    }

    @Test
    void twoTurnsAskedInOneRoomThroughBothNodesNeverStreamAtTheSameTime() {
        String room = unique("onebyone");
        try (WsClient onA = member(nodes.a, unique("al"), room); WsClient onB = member(nodes.b, unique("bea"), room)) {
            CountDownLatch firstHeld = nodes.ollama.replyHeld("one-a ", "one-b");
            nodes.ollama.reply("two");
            try {
                onA.say(room, "q1", "@assistant first question");
                String first = onA.await("assistant_delta").path("turnId").asText();
                onB.say(room, "q2", "@assistant second question");
                // the first turn is held open mid-stream: node b has time to start the second against the provider,
                // which it must not do while the first streams
                Awaitility.await("no second provider request while the first turn streams")
                        .during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> nodes.ollama.chatRequests().size() == 1);
                firstHeld.countDown();

                for (WsClient member : List.of(onA, onB)) {
                    JsonNode firstReply = member.await("message", m -> first.equals(m.path("turnId").asText()));
                    JsonNode secondReply = member.await("message",
                            m -> "assistant".equals(m.path("kind").asText()) && !first.equals(m.path("turnId").asText()));
                    String second = secondReply.path("turnId").asText();
                    assertThat(firstReply.path("text").asText()).isEqualTo("one-a one-b");
                    assertThat(secondReply.path("text").asText()).isEqualTo("two");

                    List<JsonNode> frames = member.received();
                    int firstEnded = frames.indexOf(firstReply);
                    int secondStreams = indexOf(frames, f -> "assistant_delta".equals(f.path("type").asText())
                            && second.equals(f.path("turnId").asText()));
                    int firstStreams = indexOf(frames, f -> "assistant_delta".equals(f.path("type").asText())
                            && first.equals(f.path("turnId").asText()));
                    assertThat(firstStreams).as("the first turn streamed").isNotNegative();
                    assertThat(secondStreams).as("the second turn's first delta comes after the first turn's reply")
                            .isGreaterThan(firstEnded);
                }
            } finally {
                firstHeld.countDown();
            }
        }
    }

    @Test
    void anAssistantErrorReachesMembersOnTheOtherNode() {
        String room = unique("fails");
        try (WsClient onB = member(nodes.b, unique("bea"), room); WsClient asker = member(nodes.a, unique("al"), room)) {
            nodes.ollama.fail(1, 500, Map.of());
            asker.say(room, "q", "@assistant this will fail");
            String turnId = onB.await("assistant_start").path("turnId").asText();
            JsonNode onBError = onB.await("assistant_error");
            JsonNode onAError = asker.await("assistant_error");
            assertThat(onBError.path("turnId").asText()).isEqualTo(turnId);
            assertThat(onBError.path("room").asText()).isEqualTo(room);
            assertThat(onBError.path("code").asText()).isIn("llm_error", "llm_unavailable").isEqualTo(onAError.path("code").asText());
            assertThat(onBError.path("message").asText()).isEqualTo(onAError.path("message").asText());
        }
    }

    /** The next stored assistant message a client receives. */
    @Test
    void aModelSetWithSlashModelThroughOneNodeIsUsedByTurnsAskedThroughTheOther() {
        String room = unique("model");
        try (WsClient owner = member(nodes.a, unique("own"), room); WsClient onB = member(nodes.b, unique("bo"), room)) {
            // a first turn through b: node b now knows (and keeps) the room's assistant settings
            nodes.ollama.reply("first");
            onB.say(room, "q1", "@assistant one");
            assertThat(reply(onB).path("model").asText()).isEqualTo("ollama/llama3.2");

            owner.say(room, "m", "/model ollama/qwen2.5:0.5b");
            onB.await("message", m -> "system".equals(m.path("kind").asText()) && m.path("text").asText().contains("qwen2.5:0.5b"));

            nodes.ollama.reply("second");
            onB.say(room, "q2", "@assistant two");
            assertThat(reply(onB).path("model").asText()).isEqualTo("ollama/qwen2.5:0.5b");
            List<dev.parley.assistant.standin.StandIn.Request> asked = nodes.ollama.chatRequests();
            assertThat(asked.get(asked.size() - 1).body().path("model").asText()).isEqualTo("qwen2.5:0.5b");
        }
    }

    private static JsonNode reply(WsClient client) {
        return client.await("message", m -> "assistant".equals(m.path("kind").asText()));
    }

    /** A turn's text as a client shows it: an {@code assistant_start} starts it afresh, each delta adds its piece. */
    private static String streamedText(WsClient client, String turnId) {
        StringBuilder text = new StringBuilder();
        for (JsonNode f : client.received()) {
            if (!turnId.equals(f.path("turnId").asText())) {
                continue;
            }
            switch (f.path("type").asText()) {
                case "assistant_start" -> text.setLength(0);
                case "assistant_delta" -> text.append(f.path("text").asText());
                default -> { }
            }
        }
        return text.toString();
    }

    private static int indexOf(List<JsonNode> frames, Predicate<JsonNode> match) {
        for (int i = 0; i < frames.size(); i++) {
            if (match.test(frames.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
