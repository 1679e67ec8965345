package dev.parley.assistant.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tool calls that arrive in pieces, keyed by the stream's index: an id and a name (each may come in any piece) and
 * the JSON arguments in fragments (Anthropic's {@code input_json_delta}, OpenAI's {@code delta.tool_calls}).
 */
final class ToolCallParts {

    private static final class Part {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    private final Map<Integer, Part> parts = new TreeMap<>();

    private Part at(int index) {
        return parts.computeIfAbsent(index, i -> new Part());
    }

    /** Sets the id and/or the name of call {@code index}; a null keeps what is known. */
    void name(int index, String id, String name) {
        Part p = at(index);
        if (id != null) {
            p.id = id;
        }
        if (name != null) {
            p.name = name;
        }
    }

    void appendArguments(int index, String fragment) {
        at(index).arguments.append(fragment);
    }

    /**
     * The calls in index order; a call without arguments gets {@code {}}, one without id {@code call_<index>}. Pieces
     * that never got a name (arguments for a block that is not a tool call) are not calls.
     */
    List<LlmMessage.ToolCall> calls() {
        List<LlmMessage.ToolCall> calls = new ArrayList<>();
        parts.forEach((index, p) -> {
            if (p.name != null) {
                String args = p.arguments.toString();
                calls.add(new LlmMessage.ToolCall(p.id == null ? "call_" + index : p.id, p.name, args.isBlank() ? "{}" : args));
            }
        });
        return calls;
    }
}
