package dev.parley.durability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5 graceful stop: SIGTERM while messages stream in. The node commits and acknowledges what it accepted,
 * closes its sockets with 1012, then exits; after a restart every acked message is stored with the acked seq.
 */
class GracefulStopIT {
    private static final int PER_ROOM = 2000;

    @Test
    void aNodeStoppedMidBurstStoresEveryAckedMessageAndClosesWith1012() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "stop-test-");
        String user = "stopper" + System.nanoTime() % 100000;
        List<String> rooms = List.of("graceful-0", "graceful-1");
        String token;
        List<JsonNode> acks;
        try (ServerProcess server = new ServerProcess(data, Map.of()).start()) {
            Burst burst = Burst.start(server, user, rooms, PER_ROOM);
            token = burst.token;
            WsClient client = burst.client;
            client.await("ack", a -> a.path("seq").asLong() >= PER_ROOM / 4);
            // 143 = 128 + SIGTERM: the JVM's status after its shutdown hooks ran to the end
            assertThat(server.stop()).as("exit code of a graceful stop").isIn(0, 143);
            int[] close = client.awaitClose();
            assertThat(close[0]).as("close code").isEqualTo(1012);
            burst.awaitSendingEnded();
            acks = client.received("ack");
            client.abort();
        }
        assertThat(acks).isNotEmpty();
        try (ServerProcess server = new ServerProcess(data, Map.of()).start()) {
            for (JsonNode ack : acks) {
                JsonNode page = WsClient.JSON.valueToTree(given().baseUri(server.base().toString()).auth().oauth2(token)
                        .queryParams(Map.of("after", ack.path("seq").asLong() - 1, "limit", 1))
                        .get("/api/rooms/" + ack.path("room").asText() + "/messages").then().statusCode(200)
                        .extract().jsonPath().getList("messages").get(0));
                assertThat(page.path("clientId").asText()).as("acked %s stored at its seq", ack.path("clientId").asText())
                        .isEqualTo(ack.path("clientId").asText());
                assertThat(page.path("id").asLong()).isEqualTo(ack.path("id").asLong());
            }
        }
    }
}
