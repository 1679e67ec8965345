package dev.parley.assistant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.assistant.provider.AnthropicProvider;
import dev.parley.assistant.provider.Cancellation;
import dev.parley.assistant.provider.LlmMessage;
import dev.parley.assistant.provider.LlmReply;
import dev.parley.assistant.provider.LlmRequest;
import dev.parley.assistant.provider.OllamaProvider;
import dev.parley.assistant.provider.OpenAiProvider;
import dev.parley.assistant.provider.Provider;
import dev.parley.assistant.provider.ProviderException;
import dev.parley.assistant.standin.StandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Streams as the providers may legally send them (SSE events whose JSON spans several {@code data:} lines) and as
 * they must not (malformed JSON followed by a well-formed end): the first are read, the second fail as
 * {@code PROTOCOL} instead of the bad piece being taken for an empty object and skipped. Called on the providers
 * directly.
 */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
class ProviderStreamsTest extends AssistantTestSupport {
    @Inject
    OllamaProvider ollama;
    @Inject
    AnthropicProvider anthropic;
    @Inject
    OpenAiProvider openai;

    private static LlmReply ask(Provider provider, String model) {
        return provider.stream(new LlmRequest(model, "terse", List.of(new LlmMessage.User("hi")), List.of(), 64), piece -> { },
                new Cancellation());
    }

    private static void failsAsProtocol(Provider provider, String model) {
        assertThatThrownBy(() -> ask(provider, model)).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.PROTOCOL));
    }

    @Test
    void anthropicEventsWhoseJsonSpansSeveralDataLinesAreRead() {
        StandIns.ANTHROPIC.replyRaw("""
                event: message_start
                data: {"type":"message_start","message":{"usage":
                data: {"input_tokens":7,"output_tokens":1}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,
                data:  "delta":{"type":"text_delta","text":"multi-line"}}

                : keep-alive comment

                event: message_delta
                data: {"type":"message_delta","usage":{"output_tokens":2}}

                event: message_stop
                data: {"type":"message_stop"}

                """);
        LlmReply reply = ask(anthropic, "claude-3-5-haiku-latest");
        assertThat(reply.text()).isEqualTo("multi-line");
        assertThat(reply.inputTokens()).isEqualTo(7);
        assertThat(reply.outputTokens()).isEqualTo(2);
    }

    @Test
    void openAiChunksSplitOverDataLinesAreReadAndToolCallFragmentsJoined() {
        StandIns.OPENAI.replyRaw("""
                data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function",
                data: "function":{"name":"room_info","arguments":"{\\"li"}}]}}]}

                data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"mit\\":3}"}}]}}]}

                data: [DONE]

                """);
        LlmReply reply = ask(openai, "gpt-4o-mini");
        assertThat(reply.toolCalls()).containsExactly(new LlmMessage.ToolCall("call_a", "room_info", "{\"limit\":3}"));
    }

    @Test
    void malformedJsonInAnOllamaStreamIsAProtocolError() {
        StandIns.OLLAMA.replyRaw("{\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}\n{\"message\":{\"content\":\n"
                + "{\"message\":{\"role\":\"assistant\",\"content\":\"lo\"},\"done\":true,\"prompt_eval_count\":1,\"eval_count\":2}\n");
        failsAsProtocol(ollama, "llama3.2");
    }

    @Test
    void malformedJsonInAnAnthropicStreamIsAProtocolError() {
        StandIns.ANTHROPIC.replyRaw("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":1}}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        failsAsProtocol(anthropic, "claude-3-5-haiku-latest");
    }

    @Test
    void malformedJsonInAnOpenAiStreamIsAProtocolError() {
        StandIns.OPENAI.replyRaw("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"choices\":[\n\ndata: [DONE]\n\n");
        failsAsProtocol(openai, "gpt-4o-mini");
    }
}
