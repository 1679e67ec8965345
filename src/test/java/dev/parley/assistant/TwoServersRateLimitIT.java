package dev.parley.assistant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.assistant.standin.OllamaStandIn;
import dev.parley.durability.ServerProcess;
import dev.parley.support.WsClient;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC: the assistant's rate limit is "shared by all server nodes". Two packaged servers (each with its own
 * database, one shared Redis and signing key) count one user's turns together.
 */
class TwoServersRateLimitIT {

    @Test
    void aUsersTurnsAreCountedAcrossTwoServersSharingRedis() throws Exception {
        try (OllamaStandIn ollama = new OllamaStandIn()) {
            Map<String, String> env = Map.of("OLLAMA_BASE_URL", ollama.baseUrl(), "LLM_MODEL", "ollama/llama3.2",
                    "LLM_RATE_LIMIT", "2", "SECRET_KEY", "two-node-test-" + UUID.randomUUID());
            Path root = Path.of("target").toAbsolutePath();
            try (ServerProcess a = new ServerProcess(Files.createTempDirectory(root, "node-a-"), env).start();
                    ServerProcess b = new ServerProcess(Files.createTempDirectory(root, "node-b-"), env).start()) {
                String user = "twonode" + UUID.randomUUID().toString().substring(0, 8);
                // the token is signed with the shared key, so node b accepts what node a issued
                String token = given().baseUri(a.base().toString()).contentType(ContentType.JSON)
                        .body(Map.of("username", user, "password", "correct horse"))
                        .post("/api/auth/register").then().statusCode(201).extract().path("token");
                try (WsClient onA = WsClient.bearer(a.base(), token); WsClient onB = WsClient.bearer(b.base(), token)) {
                    onA.join("limits");
                    onB.join("limits");
                    onA.say("limits", "a1", "@assistant one");
                    onA.await("message", m -> "assistant".equals(m.path("kind").asText()));
                    onA.say("limits", "a2", "@assistant two");
                    onA.await("message", m -> "assistant".equals(m.path("kind").asText()));

                    onB.say("limits", "b1", "@assistant three, on the other node");
                    JsonNode refused = onB.await("error");
                    assertThat(refused.path("code").asText()).isEqualTo("rate_limited");
                    assertThat(refused.path("ref").asText()).isEqualTo("b1");
                    assertThat(refused.path("retryAfterMs").asLong()).isPositive();
                    onB.sync();
                    assertThat(onB.received("assistant_start")).as("node b started no turn").isEmpty();
                }
            }
            assertThat(ollama.chatRequests()).as("only the two allowed turns reached the provider").hasSize(2);
        }
    }
}
