package dev.parley.assistant;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC: the server starts without any provider configured. No Ollama where it is expected: the assistant answers
 * {@code llm_unavailable} saying how to configure a provider; anthropic without a key: {@code /api/llm/chat} is
 * 500 with SPEC's exact message.
 */
@QuarkusTest
@TestProfile(UnconfiguredProviderTest.NoProviders.class)
class UnconfiguredProviderTest {
    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URI base;

    /** No stand-ins: Ollama's port is closed, Anthropic has no key, no fallback. */
    public static class NoProviders implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.llm.model", "anthropic/claude-3-5-haiku-latest",
                    "parley.llm.ollama.base-url", "http://127.0.0.1:9",
                    "parley.llm.anthropic.api-key", "",
                    "parley.llm.fallback-model", "",
                    "parley.llm.max-retries", "0");
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Test
    void chatIs500WhenTheProviderIsAnthropicWithoutAKey() {
        given().auth().oauth2(register(unique("alice"))).contentType("application/json").body(Map.of("message", "hello"))
                .post("/api/llm/chat").then().statusCode(500)
                .body("error", equalTo("ANTHROPIC_API_KEY environment variable is not set"));
    }

    @Test
    void aTurnOnAnthropicWithoutAKeyIsUnavailableAndSaysWhichVariableIsMissing() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            alice.say(room, "q", "@assistant hi");
            JsonNode error = alice.await("assistant_error");
            assertThat(error.path("code").asText()).isEqualTo("llm_unavailable");
            assertThat(error.path("message").asText()).isEqualTo("ANTHROPIC_API_KEY environment variable is not set");
        }
    }

    @Test
    void withoutOllamaTheAssistantSaysHowToConfigureAProvider() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            alice.send("type", "send_message", "room", room, "clientId", "m", "text", "/model ollama/llama3.2");
            alice.await("ack");
            alice.say(room, "q", "@assistant hi");
            JsonNode error = alice.await("assistant_error");
            assertThat(error.path("code").asText()).isEqualTo("llm_unavailable");
            assertThat(error.path("message").asText()).contains("Ollama is not reachable", "OLLAMA_BASE_URL", "ANTHROPIC_API_KEY",
                    "OPENAI_API_KEY");
            // the chat is unaffected
            alice.say(room, "after", "fine without it");
        }
    }

    @Test
    void modelsStillAnswersAndMarksTheConfiguredModelUnavailable() {
        given().auth().oauth2(register(unique("alice"))).get("/api/llm/models").then().statusCode(200)
                .body("default", equalTo("anthropic/claude-3-5-haiku-latest"))
                .body("models.find { it.id == 'anthropic/claude-3-5-haiku-latest' }.available", equalTo(false));
    }
}
