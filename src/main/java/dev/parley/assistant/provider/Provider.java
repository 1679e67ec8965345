package dev.parley.assistant.provider;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** One LLM provider's wire protocol: a streamed chat request with tools, and the provider's own model list. */
public interface Provider {

    /** The prefix of this provider's model ids ({@code ollama}, {@code anthropic}, {@code openai}). */
    String name();

    /**
     * Streams one request: each text piece goes to {@code onText} as it arrives; returns the whole reply with the
     * tool calls the model asked for. Blocks the calling (virtual) thread. Throws {@link ProviderException}.
     */
    LlmReply stream(LlmRequest request, Consumer<String> onText, Cancellation cancellation);

    /** The model names the provider lists itself (without prefix). Throws {@link ProviderException}. */
    List<String> models();

    /** Why this provider cannot be used as configured (e.g. no API key), or empty. */
    default Optional<String> configurationProblem() {
        return Optional.empty();
    }
}
