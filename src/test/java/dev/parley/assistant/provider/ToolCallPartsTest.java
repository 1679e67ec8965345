package dev.parley.assistant.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tool calls gathered from stream pieces, as Anthropic and OpenAI send them. */
class ToolCallPartsTest {

    @Test
    void piecesAreJoinedPerIndexAndReturnedInIndexOrder() {
        ToolCallParts parts = new ToolCallParts();
        parts.name(2, "call_b", "room_info");
        parts.name(0, "call_a", null);
        parts.appendArguments(0, "{\"li");
        parts.name(0, null, "recent_messages");
        parts.appendArguments(2, " ");
        parts.appendArguments(0, "mit\":3}");
        assertThat(parts.calls()).containsExactly(new LlmMessage.ToolCall("call_a", "recent_messages", "{\"limit\":3}"),
                new LlmMessage.ToolCall("call_b", "room_info", "{}"));
    }

    @Test
    void aCallWithoutIdGetsOneAndPiecesWithoutANameAreNotCalls() {
        ToolCallParts parts = new ToolCallParts();
        parts.name(1, null, "list_rooms");
        parts.appendArguments(5, "{\"stray\":true}");
        assertThat(parts.calls()).containsExactly(new LlmMessage.ToolCall("call_1", "list_rooms", "{}"));
    }
}
