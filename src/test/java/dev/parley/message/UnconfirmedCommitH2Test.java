package dev.parley.message;

import static dev.parley.assistant.standin.StandIns.OLLAMA;
import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.assistant.standin.StandIns;
import dev.parley.ratelimit.Gcra;
import dev.parley.support.WsClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * When the disk refuses to force a commit (fsync fails), the node stops, as PostgreSQL does: the commit's message is
 * neither acked nor delivered (its sender gets {@code internal}), every later send is refused, and the process is
 * asked to exit with status 74 (here the test takes the request instead of the JVM ending). A question to the assistant
 * in that commit shows no turn, although its model was asked while the disk was being asked. H2 runs on a file system
 * whose fsync fails on demand ({@link FailingSyncDisk}); PostgreSQL forces its own log, so this runs in the H2 pass
 * only (the pom leaves {@code *H2Test} out of the PostgreSQL pass).
 */
@QuarkusTest
@DisabledIfSystemProperty(named = "quarkus.datasource.db-kind", matches = "postgresql")
@TestProfile(UnconfirmedCommitH2Test.DiskThatCanFail.class)
class UnconfirmedCommitH2Test extends OnAFailingDisk {
    /** The embedded database on a file, on a file system whose fsync can be made to fail. */
    public static class DiskThatCanFail implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // no H2Compaction passes: one forcing the file while fsync fails would stop the node before the writer's
            // commit does (RefusedCompactionSyncH2Test), which is not what this test is about
            return FailingSyncDisk.server("0s");
        }
    }

    @Test
    void aCommitTheDiskDidNotConfirmIsNeitherAckedNorDeliveredAndTheServerStopsTakingMessagesAndExits() {
        String room = unique("r");
        String asker = unique("alice");
        try (WsClient alice = WsClient.bearer(base, register(asker));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            alice.say(room, "c1", "first");
            bob.await("message", m -> "first".equals(m.path("text").asText()));

            StandIns.resetAll();
            CountDownLatch disk = new CountDownLatch(1);
            System.getProperties().put(FailingSyncDisk.HOLD, disk);
            System.setProperty(FailingSyncDisk.FAIL, "true");
            alice.send("type", "send_message", "room", room, "clientId", "c2", "text", "@assistant not confirmed");
            // the model is asked (and answers) while the fsync that will fail waits
            await().atMost(Duration.ofSeconds(10)).until(() -> OLLAMA.chatRequests().stream()
                    .anyMatch(r -> r.body().toString().contains("not confirmed")));
            System.getProperties().remove(FailingSyncDisk.HOLD);
            disk.countDown();
            JsonNode error = alice.await("error", e -> "c2".equals(e.path("ref").asText()));
            assertThat(error.path("code").asText()).isEqualTo("internal");
            assertThat(error.path("message").asText()).contains("may be lost", "restarts");
            assertThat(exits).containsExactly(DiskFailure.EXIT_STATUS);

            // the disk answering again changes nothing: what this process wrote since the last confirmed commit is
            // not trusted, so it takes nothing more until it starts again
            System.clearProperty(FailingSyncDisk.FAIL);
            alice.send("type", "send_message", "room", room, "clientId", "c3", "text", "after");
            JsonNode refused = alice.await("error", e -> "c3".equals(e.path("ref").asText()));
            assertThat(refused.path("code").asText()).isEqualTo("internal");
            assertThat(refused.path("message").asText()).contains("disk failed");
            // the assistant took the question up when it was committed, read its prompt and limit and asked the model,
            // but the disk never confirmed it: nobody sees the turn, its answer is not stored
            assertThat(redis.key().exists(Gcra.redisKey("parley:llm:rate:", asker))).isTrue();
            alice.sync();
            bob.sync();
            for (WsClient member : List.of(alice, bob)) {
                assertThat(member.received()).extracting(f -> f.path("type").asText())
                        .doesNotContain("assistant_start", "assistant_delta", "assistant_error");
            }
            assertThat(alice.received("ack")).extracting(a -> a.path("clientId").asText()).containsExactly("c1");
            assertThat(bob.received("message")).extracting(m -> m.path("text").asText()).containsExactly("first");
            assertThat(exits).hasSize(1);
        }
    }
}
