package dev.parley.assistant.provider;

import java.util.List;

/** One entry of the conversation sent to a model, in a provider-neutral shape. */
public sealed interface LlmMessage {

    /** Something people said; several speakers' lines are attributed inside the text ("alice: …"). */
    record User(String text) implements LlmMessage {
    }

    /** The model's earlier output: text, and the tools it asked for in that round. */
    record Assistant(String text, List<ToolCall> toolCalls) implements LlmMessage {
        public Assistant {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }
    }

    /** The result of one tool call, answering {@link ToolCall#id()}. */
    record ToolResult(String callId, String name, String content) implements LlmMessage {
    }

    /** A tool the model asked for; {@code arguments} is a JSON object as text. */
    record ToolCall(String id, String name, String arguments) {
    }

    /** A tool offered to the model; {@code parametersJson} is its JSON schema. */
    record ToolSpec(String name, String description, String parametersJson) {
    }
}
