package dev.parley.message;

import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.Timestamps;

/** Turns stored messages into what clients see. */
public final class Messages {
    private Messages() {
    }

    public static MessageView view(Message m, String room) {
        boolean assistant = m.kind == MessageKind.ASSISTANT;
        MessageView.Usage usage = assistant && m.inputTokens != null
                ? new MessageView.Usage(m.inputTokens, m.outputTokens == null ? 0 : m.outputTokens) : null;
        return new MessageView(room, m.id, m.seq, m.clientId, m.sender, m.kind, m.text, Timestamps.format(m.createdAt),
                m.model, m.turnId, assistant ? Boolean.TRUE.equals(m.cached) : null, usage,
                Boolean.TRUE.equals(m.cancelled) ? Boolean.TRUE : null,
                Boolean.TRUE.equals(m.imported) ? Boolean.TRUE : null);
    }
}
