package dev.parley.assistant.provider;

import java.util.List;

/** One request to a model: {@code model} is the provider's own model name (no {@code provider/} prefix). */
public record LlmRequest(String model, String system, List<LlmMessage> messages, List<LlmMessage.ToolSpec> tools, int maxTokens) {
    public LlmRequest {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    public LlmRequest withModel(String other) {
        return new LlmRequest(other, system, messages, tools, maxTokens);
    }
}
