package dev.parley.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC §2 "Durable ack": the packaged server is killed with SIGKILL while messages stream in; after a restart
 * every message that was acked is in history, seqs are contiguous, nothing is doubled, and re-sending the unacked
 * ones with their clientIds fills the rest without duplicates.
 */
class KillRecoveryIT {
    private static final int ROOMS = 4;
    private static final int PER_ROOM = 1500;

    @Test
    void everyAckedMessageSurvivesAKillMinus9() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "kill-test-");
        String user = "killer" + System.nanoTime() % 100000;
        Map<String, JsonNode> acked = new HashMap<>();
        List<String> rooms = new ArrayList<>();
        for (int r = 0; r < ROOMS; r++) {
            rooms.add("durable-" + r);
        }
        String token;
        try (ServerProcess server = new ServerProcess(data, Map.of()).start()) {
            Burst burst = Burst.start(server, user, rooms, PER_ROOM);
            token = burst.token;
            WsClient client = burst.client;
            // kill while acks are still flowing
            client.await("ack", a -> a.path("seq").asLong() >= PER_ROOM / 3);
            server.kill();
            burst.awaitSendingEnded();
            for (JsonNode ack : client.received("ack")) {
                acked.put(ack.path("clientId").asText(), ack);
            }
            client.abort();
        }
        assertThat(acked).as("some messages were acked before the kill").isNotEmpty();
        int total = ROOMS * PER_ROOM;
        assertThat(acked.size()).as("the kill came before every message was acked").isLessThan(total);

        try (ServerProcess server = new ServerProcess(data, Map.of()).start()) {
            String base = server.base().toString();
            Map<String, JsonNode> stored = StoredHistory.byClientId(base, token, rooms);
            for (JsonNode ack : acked.values()) {
                JsonNode m = stored.get(ack.path("clientId").asText());
                assertThat(m).as("acked message %s is stored", ack.path("clientId").asText()).isNotNull();
                assertThat(m.path("id").asLong()).isEqualTo(ack.path("id").asLong());
                assertThat(m.path("seq").asLong()).isEqualTo(ack.path("seq").asLong());
            }

            // re-send everything with the original clientIds: the stored ones come back as duplicates
            try (WsClient client = WsClient.bearer(server.base(), token)) {
                for (String room : rooms) {
                    client.join(room);
                }
                for (int i = 0; i < PER_ROOM; i++) {
                    for (String room : rooms) {
                        client.send("type", "send_message", "room", room, "clientId", room + ":" + i, "text", "m" + i);
                    }
                }
                String lastId = rooms.get(ROOMS - 1) + ":" + (PER_ROOM - 1);
                client.await("ack", a -> lastId.equals(a.path("clientId").asText()));
                client.sync();
                long duplicates = client.received("ack").stream().filter(a -> a.path("duplicate").asBoolean()).count();
                assertThat(duplicates).as("every message stored before the kill is acked as a duplicate").isGreaterThanOrEqualTo(acked.size());
            }
            Map<String, JsonNode> after = StoredHistory.byClientId(base, token, rooms);
            assertThat(after).as("every message exactly once").hasSize(total);
        }
    }
}
