package dev.parley.message;

import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.Timestamps;
import java.time.Instant;

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

    /**
     * The view of a message the writer has just stored from {@code d} with these id, seq and time: the same view
     * {@link #view(Message, String)} gives for the row it wrote.
     */
    static MessageView view(Draft d, String room, long id, long seq, Instant createdAt) {
        boolean assistant = d.kind() == MessageKind.ASSISTANT;
        Draft.Reply r = d.reply();
        MessageView.Usage usage = assistant && r != null ? new MessageView.Usage(r.inputTokens(), r.outputTokens()) : null;
        return new MessageView(room, id, seq, d.clientId(), d.sender(), d.kind(), d.text(), Timestamps.format(createdAt),
                r == null ? null : r.model(), r == null ? null : r.turnId(), assistant ? r != null && r.cached() : null,
                usage, r != null && r.cancelled() ? Boolean.TRUE : null, null);
    }
}
