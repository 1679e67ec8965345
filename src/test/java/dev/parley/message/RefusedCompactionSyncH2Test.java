package dev.parley.message;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * A compaction pass forces the H2 file too ({@link H2Compaction}); when the disk refuses that force, the node stops
 * as it does for a group commit ({@link DiskFailure}): the exit is asked for and no message is taken any more. The
 * write the pass forces here is a registration's (Hibernate's commits are forced by the next writer commit or pass).
 * The exit itself is taken by the test. H2 pass only (the pom leaves {@code *H2Test} out of the PostgreSQL pass).
 */
@QuarkusTest
@DisabledIfSystemProperty(named = "quarkus.datasource.db-kind", matches = "postgresql")
@TestProfile(RefusedCompactionSyncH2Test.PassesOnADiskThatCanFail.class)
class RefusedCompactionSyncH2Test extends OnAFailingDisk {
    /** The embedded database on a file whose fsync can be made to fail, with a compaction pass every 100 ms. */
    public static class PassesOnADiskThatCanFail implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return FailingSyncDisk.server("100ms");
        }
    }

    @Test
    void aCompactionPassWhoseForceTheDiskRefusesStopsTheServerTakingMessages() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            alice.say(room, "c1", "first");

            System.setProperty(FailingSyncDisk.FAIL, "true");
            register(unique("bob")); // a commit the next pass has to force
            await().atMost(Duration.ofSeconds(10)).until(() -> !exits.isEmpty());
            assertThat(exits).containsExactly(DiskFailure.EXIT_STATUS);

            System.clearProperty(FailingSyncDisk.FAIL);
            alice.send("type", "send_message", "room", room, "clientId", "c2", "text", "after");
            JsonNode refused = alice.await("error", e -> "c2".equals(e.path("ref").asText()));
            assertThat(refused.path("code").asText()).isEqualTo("internal");
            assertThat(refused.path("message").asText()).contains("disk failed");
        }
    }
}
