package dev.parley.chat;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A full write queue answers {@code busy} with {@code retryAfterMs}; a resend with the same clientId loses nothing. */
@QuarkusTest
@TestProfile(WriterBusyTest.TinyQueue.class)
class WriterBusyTest {
    public static class TinyQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.writer.shards", "1", "parley.writer.queue-capacity", "2", "parley.writer.max-batch", "1");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aFullWriteQueueAnswersBusyAndAResendStoresEachMessageOnce() {
        String room = unique("r");
        int total = 300;
        try (WsClient c = WsClient.bearer(base, register(unique("busy")))) {
            c.join(room);
            for (int i = 0; i < total; i++) {
                c.send("type", "send_message", "room", room, "clientId", "m" + i, "text", "t" + i);
            }
            // every send is answered: an ack, or busy naming its clientId
            Set<String> answered = new HashSet<>();
            Set<String> refused = new HashSet<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (answered.size() < total) {
                assertThat(System.nanoTime()).as("every send answered within 30 s").isLessThan(deadline);
                c.sync();
                for (JsonNode f : c.received()) {
                    if ("ack".equals(f.path("type").asText())) {
                        answered.add(f.path("clientId").asText());
                    } else if ("error".equals(f.path("type").asText())) {
                        assertThat(f.path("code").asText()).isEqualTo("busy");
                        assertThat(f.path("retryAfterMs").asLong()).isPositive();
                        answered.add(f.path("ref").asText());
                        refused.add(f.path("ref").asText());
                    }
                }
            }
            assertThat(refused).as("the tiny queue refused some sends").isNotEmpty();

            // the client resends what was refused, with the same clientIds, one at a time
            for (String clientId : refused) {
                assertThat(c.say(room, clientId, "t" + clientId.substring(1)).path("duplicate").asBoolean()).isFalse();
            }
            List<JsonNode> history = List.copyOf(listOf(c.join(room, 0).path("messages")));
            assertThat(history).hasSize(total);
            WsClient.assertSeqsContiguous(history, 1);
            assertThat(history.stream().map(m -> m.path("clientId").asText()).distinct().count()).isEqualTo(total);
        }
    }

    private static List<JsonNode> listOf(JsonNode array) {
        List<JsonNode> list = new java.util.ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
