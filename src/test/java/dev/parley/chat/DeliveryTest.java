package dev.parley.chat;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** SPEC §2 delivery promises: durable ack, order, idempotent send, resume, join during live traffic. */
@QuarkusTest
class DeliveryTest {
    @TestHTTPResource("/")
    URI base;

    @Test
    void aSentMessageIsAckedToTheSenderAndDeliveredToEveryMember() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            JsonNode ack = alice.say(room, "c1", "hello <b>bob</b> & \"friends\"");
            assertThat(ack.path("seq").asLong()).isEqualTo(1);
            assertThat(ack.path("duplicate").asBoolean()).isFalse();
            assertThat(ack.path("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            for (WsClient member : List.of(alice, bob)) {
                JsonNode m = member.await("message");
                assertThat(m.path("id").asLong()).isEqualTo(ack.path("id").asLong());
                assertThat(m.path("seq").asLong()).isEqualTo(1);
                assertThat(m.path("text").asText()).isEqualTo("hello <b>bob</b> & \"friends\"");
                assertThat(m.path("kind").asText()).isEqualTo("user");
                assertThat(m.path("clientId").asText()).isEqualTo("c1");
                assertThat(m.path("room").asText()).isEqualTo(room);
            }
        }
    }

    @Test
    void everyMemberReceivesARoomsMessagesInSeqOrderWithoutGaps() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")));
                WsClient carol = WsClient.bearer(base, register(unique("carol")))) {
            alice.join(room);
            bob.join(room);
            carol.join(room);
            // two senders pipeline their sends without waiting for acks
            for (int i = 0; i < 100; i++) {
                alice.send("type", "send_message", "room", room, "clientId", "a" + i, "text", "a" + i);
                bob.send("type", "send_message", "room", room, "clientId", "b" + i, "text", "b" + i);
            }
            for (WsClient member : List.of(alice, bob, carol)) {
                member.await("message", m -> m.path("seq").asLong() == 200);
                List<JsonNode> messages = member.received("message");
                WsClient.assertSeqsContiguous(messages, 1);
                // one sender's messages keep the order they were sent in
                List<String> fromAlice = messages.stream().map(m -> m.path("text").asText()).filter(t -> t.startsWith("a")).toList();
                assertThat(fromAlice).containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(i -> "a" + i).toList());
            }
        }
    }

    @Test
    void aRepeatedClientIdIsAckedAgainAsDuplicateAndStoredOnce() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            JsonNode first = alice.say(room, "same", "once");
            JsonNode again = alice.say(room, "same", "once");
            assertThat(again.path("duplicate").asBoolean()).isTrue();
            assertThat(again.path("id").asLong()).isEqualTo(first.path("id").asLong());
            assertThat(again.path("seq").asLong()).isEqualTo(first.path("seq").asLong());
            alice.say(room, "other", "next");
            alice.sync();
            assertThat(alice.received("message")).extracting(m -> m.path("text").asText()).containsExactly("once", "next");
            assertThat(alice.join(room, 0).path("messages")).hasSize(2);
        }
    }

    @Test
    void theSameClientIdFromAnotherSenderIsAnotherMessage() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            JsonNode a = alice.say(room, "x", "from alice");
            JsonNode b = bob.say(room, "x", "from bob");
            assertThat(b.path("duplicate").asBoolean()).isFalse();
            assertThat(b.path("seq").asLong()).isEqualTo(a.path("seq").asLong() + 1);
        }
    }

    @Test
    void resumeWithSinceReturnsExactlyTheMissedMessages() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            for (int i = 1; i <= 10; i++) {
                alice.say(room, "m" + i, "text " + i);
            }
            JsonNode resumed = alice.join(room, 4);
            assertThat(resumed.path("recovered").asBoolean()).isTrue();
            assertThat(resumed.path("lastSeq").asLong()).isEqualTo(10);
            List<JsonNode> messages = new ArrayList<>();
            resumed.path("messages").forEach(messages::add);
            assertThat(messages).hasSize(6);
            WsClient.assertSeqsContiguous(messages, 5);

            JsonNode upToDate = alice.join(room, 10);
            assertThat(upToDate.path("recovered").asBoolean()).isTrue();
            assertThat(upToDate.path("messages")).isEmpty();
        }
    }

    @Test
    void aJoinWithoutSinceReturnsTheNewestFifty() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            for (int i = 1; i <= 60; i++) {
                alice.send("type", "send_message", "room", room, "clientId", "m" + i, "text", "t" + i);
            }
            alice.await("ack", a -> a.path("seq").asLong() == 60);
            try (WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
                JsonNode joined = bob.join(room);
                List<JsonNode> messages = new ArrayList<>();
                joined.path("messages").forEach(messages::add);
                assertThat(messages).hasSize(50);
                WsClient.assertSeqsContiguous(messages, 11);
                assertThat(joined.path("lastSeq").asLong()).isEqualTo(60);
            }
        }
    }

    @Test
    void resumingPastTheLimitReturnsTheNewestPageAndRecoveredFalse() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            for (int i = 1; i <= 520; i++) {
                alice.send("type", "send_message", "room", room, "clientId", "m" + i, "text", "t" + i);
            }
            alice.await("ack", a -> a.path("seq").asLong() == 520);
            JsonNode resumed = alice.join(room, 10);
            assertThat(resumed.path("recovered").asBoolean()).isFalse();
            List<JsonNode> messages = new ArrayList<>();
            resumed.path("messages").forEach(messages::add);
            assertThat(messages).hasSize(500);
            WsClient.assertSeqsContiguous(messages, 21);
        }
    }

    @Test
    void messagesArrivingWhileAJoinIsServedAreNeitherLostNorDoubled() throws Exception {
        for (int round = 0; round < 5; round++) {
            String room = unique("r");
            int total = 300;
            try (WsClient sender = WsClient.bearer(base, register(unique("sender")));
                    WsClient reader = WsClient.bearer(base, register(unique("reader")))) {
                sender.join(room);
                CompletableFuture<Void> blast = CompletableFuture.runAsync(() -> {
                    for (int i = 1; i <= total; i++) {
                        sender.send("type", "send_message", "room", room, "clientId", "m" + i, "text", "t" + i);
                    }
                });
                // the join is served while the sender is writing
                long joinAfter = 20L * round + 1;
                sender.await("ack", a -> a.path("seq").asLong() >= joinAfter);
                JsonNode joined = reader.join(room, 0);
                List<Long> seqs = new ArrayList<>();
                joined.path("messages").forEach(m -> seqs.add(m.path("seq").asLong()));
                blast.get();
                if (joined.path("lastSeq").asLong() < total) {
                    reader.await("message", m -> m.path("seq").asLong() == total);
                }
                reader.received("message").forEach(m -> seqs.add(m.path("seq").asLong()));
                assertThat(new HashSet<>(seqs)).as("no message twice").hasSize(seqs.size());
                assertThat(seqs).as("every message, in order").containsExactlyElementsOf(
                        IntStream.rangeClosed(1, total).mapToObj(Long::valueOf).toList());
            }
        }
    }

    @Test
    void framesOfOneConnectionAreHandledInOrderSoAPipelinedJoinThenSendWorks() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.send("type", "join_room", "room", room);
            alice.send("type", "send_message", "room", room, "clientId", "fast", "text", "right after join");
            assertThat(alice.await("ack").path("seq").asLong()).isEqualTo(1);
            assertThat(alice.received("error")).isEmpty();
        }
    }
}
