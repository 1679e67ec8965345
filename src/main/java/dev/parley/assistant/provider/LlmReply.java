package dev.parley.assistant.provider;

import java.util.List;

/** What one streamed request produced: the text, the tool calls the model asked for, and the token counts. */
public record LlmReply(String text, List<LlmMessage.ToolCall> toolCalls, int inputTokens, int outputTokens) {
    public LlmReply {
        toolCalls = List.copyOf(toolCalls);
    }
}
