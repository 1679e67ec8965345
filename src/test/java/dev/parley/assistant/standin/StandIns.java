package dev.parley.assistant.standin;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts the three provider stand-ins once per test JVM on free ports and points Parley at them. Tests reach them
 * through the static fields to script answers and read the requests they got.
 */
public class StandIns implements QuarkusTestResourceLifecycleManager {
    public static final OllamaStandIn OLLAMA = new OllamaStandIn();
    public static final AnthropicStandIn ANTHROPIC = new AnthropicStandIn();
    public static final OpenAiStandIn OPENAI = new OpenAiStandIn();

    @Override
    public Map<String, String> start() {
        return Map.of(
                "parley.llm.ollama.base-url", OLLAMA.baseUrl(),
                "parley.llm.anthropic.base-url", ANTHROPIC.baseUrl(),
                "parley.llm.anthropic.api-key", "test-anthropic-key",
                "parley.llm.openai.base-url", OPENAI.baseUrl() + "/v1",
                "parley.llm.openai.api-key", "test-openai-key",
                "parley.llm.model", "ollama/llama3.2",
                "parley.llm.fallback-model", "openai/gpt-4o-mini");
    }

    public static void resetAll() {
        OLLAMA.reset();
        ANTHROPIC.reset();
        OPENAI.reset();
    }

    @Override
    public void stop() {
        // the servers live as long as the test JVM; other test classes share them
    }
}
