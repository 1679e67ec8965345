package dev.parley.message;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The assistant starts on a question as soon as it is committed and reads (room, context, rate limit, cache) while the
 * disk confirms it, but nothing of the turn reaches anyone before the question is on disk and delivered. H2 on a disk
 * whose fsync can be held ({@link FailingSyncDisk#HOLD}); the H2 pass only.
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
    void theAssistantReadsWhileTheDiskConfirmsTheQuestionAndSpeaksOnlyAfterItIsDelivered() {
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
            bob.sync();
            assertThat(bob.received("assistant_start")).isEmpty();
            assertThat(asker.received("ack")).extracting(a -> a.path("clientId").asText()).containsExactly("c1");

            System.getProperties().remove(FailingSyncDisk.HOLD);
            disk.countDown();
            asker.await("ack", a -> "q1".equals(a.path("clientId").asText()));
            bob.await("assistant_start");
            List<String> order = bob.received().stream()
                    .filter(f -> f.path("type").asText().equals("assistant_start")
                            || f.path("text").asText().equals("@assistant are you there?"))
                    .map(f -> f.path("type").asText()).toList();
            assertThat(order).containsExactly("message", "assistant_start");
        }
    }
}
