package dev.parley.message;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * When the disk refuses to force a commit (fsync fails), the commit's message is not acked: its sender gets
 * {@code internal}, the room still gets the message (it is in the database, and the seqs stay without gaps), and
 * once the disk works again the next message takes the next seq and a resend of the first is answered from the
 * stored one. H2 runs on a file system whose fsync fails on demand ({@link FailingSyncDisk}); PostgreSQL forces its
 * own log, so this runs in the H2 pass only (the pom leaves {@code *H2Test} out of the PostgreSQL pass).
 */
@QuarkusTest
@DisabledIfSystemProperty(named = "quarkus.datasource.db-kind", matches = "postgresql")
@TestProfile(UnconfirmedCommitH2Test.DiskThatCanFail.class)
class UnconfirmedCommitH2Test {
    /** The embedded database on a file, on a file system whose fsync can be made to fail. */
    public static class DiskThatCanFail implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            FailingSyncDisk.install();
            Path dir = Path.of("target", "failing-sync-disk", Long.toString(System.nanoTime())).toAbsolutePath();
            // no H2Compaction passes: one that commits what it rewrote while fsync fails can make H2 close the
            // database (it forces the file itself before shrinking it), which is not what this test is about
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:failsync:" + dir.resolve("parley") + ";WRITE_DELAY=0",
                    "parley.writer.fsync", "true", "parley.writer.h2-compact-every", "0s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @AfterEach
    void diskWorksAgain() {
        System.clearProperty(FailingSyncDisk.FAIL);
    }

    @Test
    void aCommitTheDiskDidNotConfirmIsDeliveredButItsSenderGetsAnErrorNotAnAck() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            alice.say(room, "c1", "first");

            System.setProperty(FailingSyncDisk.FAIL, "true");
            alice.send("type", "send_message", "room", room, "clientId", "c2", "text", "not confirmed");
            JsonNode error = alice.await("error", e -> "c2".equals(e.path("ref").asText()));
            assertThat(error.path("code").asText()).isEqualTo("internal");
            JsonNode delivered = bob.await("message", m -> "not confirmed".equals(m.path("text").asText()));
            assertThat(delivered.path("seq").asLong()).isEqualTo(2);
            alice.sync();
            assertThat(alice.received("ack")).extracting(a -> a.path("clientId").asText()).containsExactly("c1");

            System.clearProperty(FailingSyncDisk.FAIL);
            JsonNode next = alice.say(room, "c3", "after");
            assertThat(next.path("seq").asLong()).isEqualTo(3);
            alice.send("type", "send_message", "room", room, "clientId", "c2", "text", "not confirmed");
            JsonNode resent = alice.await("ack", a -> "c2".equals(a.path("clientId").asText()));
            assertThat(resent.path("seq").asLong()).isEqualTo(2);
            assertThat(resent.path("duplicate").asBoolean()).isTrue();
        }
    }
}
