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
 * The assistant starts on a question as soon as it is committed and reads (room, context, rate limit, cache) and asks
 * the model while the disk confirms it, but nothing of the turn reaches anyone before the question is on disk and
 * delivered. H2 on a disk whose fsync can be held ({@link FailingSyncDisk#HOLD}), the model an Ollama stand-in; the H2
 * pass only.
 */
@QuarkusTest
@DisabledIfSystemProperty(named = "quarkus.datasource.db-kind", matches = "postgresql")
@TestProfile(QuestionOnDiskFirstH2Test.SlowDisk.class)
class QuestionOnDiskFirstH2Test extends OnAFailingDisk {
    /** The embedded database on a file whose fsync can be held; no compaction passes (they would force it too). */
    public static class SlowDisk implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return FailingSyncDisk.server("0s");
        }
    }

    @Test
    void theAssistantAsksTheModelWhileTheDiskConfirmsTheQuestionAndSpeaksOnlyAfterItIsDelivered() {
        StandIns.resetAll();
        OLLAMA.reply("Yes, ", "I am here.");
        String room = unique("r");
        String alice = unique("alice");
        try (WsClient asker = WsClient.bearer(base, register(alice));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            asker.join(room);
            bob.join(room);
            asker.say(room, "c1", "hello");

            CountDownLatch disk = new CountDownLatch(1);
            System.getProperties().put(FailingSyncDisk.HOLD, disk);
            asker.send("type", "send_message", "room", room, "clientId", "q1", "text", "@assistant are you there?");
            // the admission has read the prompt and run the rate limit's script while the question's fsync waits
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> redis.key().exists(Gcra.redisKey("parley:llm:rate:", alice)));
            // and the model was asked while the fsync still waits
            await().atMost(Duration.ofSeconds(10)).until(() -> OLLAMA.chatRequests().stream()
                    .anyMatch(r -> r.body().toString().contains("are you there?")));
            bob.sync();
            asker.sync();
            for (WsClient member : List.of(asker, bob)) {
                assertThat(member.received()).extracting(f -> f.path("type").asText())
                        .doesNotContain("assistant_start", "assistant_delta", "assistant_error");
            }
            assertThat(asker.received("ack")).extracting(a -> a.path("clientId").asText()).containsExactly("c1");

            System.getProperties().remove(FailingSyncDisk.HOLD);
            disk.countDown();
            asker.await("ack", a -> "q1".equals(a.path("clientId").asText()));
            JsonNode reply = bob.await("message", m -> "assistant".equals(m.path("kind").asText()));
            assertThat(reply.path("text").asText()).isEqualTo("Yes, I am here.");
            List<String> order = bob.received().stream()
                    .filter(f -> f.path("type").asText().startsWith("assistant_")
                            || f.path("text").asText().equals("@assistant are you there?") || "assistant".equals(f.path("kind").asText()))
                    .map(f -> f.path("type").asText()).toList();
            assertThat(order).containsExactly("message", "assistant_start", "assistant_delta", "assistant_delta", "message");
        }
    }
}
