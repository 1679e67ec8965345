package dev.parley.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.assistant.provider.AnthropicProvider;
import dev.parley.assistant.provider.Cancellation;
import dev.parley.assistant.provider.LlmMessage;
import dev.parley.assistant.provider.LlmReply;
import dev.parley.assistant.provider.LlmRequest;
import dev.parley.assistant.provider.OllamaProvider;
import dev.parley.assistant.provider.OpenAiProvider;
import dev.parley.assistant.provider.Provider;
import dev.parley.assistant.standin.StandIn;
import dev.parley.assistant.standin.StandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Requests sent back to back, as the rounds of a tool-using turn are, each get an answer on the first attempt: a
 * finished stream hands its pooled connection back whole instead of cutting it under the next request. Called on
 * the providers directly, so no retry can hide a failed attempt. (The shared setup waits for any turn left by an
 * earlier test and resets the stand-ins.)
 */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
class ConnectionReuseTest extends AssistantTestSupport {
    private static final int ROUNDS = 150;

    @Inject
    OllamaProvider ollama;
    @Inject
    AnthropicProvider anthropic;
    @Inject
    OpenAiProvider openai;

    private static void backToBack(Provider provider, String model, StandIn standIn) {
        LlmRequest request = new LlmRequest(model, "You are terse.", List.of(new LlmMessage.User("hi")), List.of(), 64);
        for (int i = 0; i < ROUNDS; i++) {
            if (i % 2 == 0) {
                standIn.callTools(new StandIn.Call("room_info", "{}"));
            }
            LlmReply reply = provider.stream(request, piece -> { }, new Cancellation());
            if (i % 2 == 0) {
                assertThat(reply.toolCalls()).as("round %d", i).extracting(LlmMessage.ToolCall::name).containsExactly("room_info");
            } else {
                assertThat(reply.text()).as("round %d", i).isEqualTo("Hello from the stand-in.");
            }
        }
        assertThat(standIn.chatRequests()).hasSize(ROUNDS);
    }

    @Test
    void ollamaStreamsBackToBackWithoutAFailedAttempt() {
        backToBack(ollama, "llama3.2", StandIns.OLLAMA);
    }

    @Test
    void anthropicStreamsBackToBackWithoutAFailedAttempt() {
        backToBack(anthropic, "claude-3-5-haiku-latest", StandIns.ANTHROPIC);
    }

    @Test
    void openAiStreamsBackToBackWithoutAFailedAttempt() {
        backToBack(openai, "gpt-4o-mini", StandIns.OPENAI);
    }
}
