package dev.parley.message;

import dev.parley.protocol.MessageView;
import dev.parley.protocol.ServerEvent;

/**
 * The outcome of a send: the stored message, and whether it had been stored before under the same clientId; or,
 * for a slash command that only answers its sender ({@code /help}, {@code /models}, {@code /who}), that answer and
 * no message.
 */
public record Stored(MessageView message, boolean duplicate, ServerEvent.CommandResult answer) {

    public Stored(MessageView message, boolean duplicate) {
        this(message, duplicate, null);
    }

    /** A command's answer to its sender: nothing was stored. */
    public static Stored answer(ServerEvent.CommandResult answer) {
        return new Stored(null, false, answer);
    }

    /** True when nothing was stored because a command answered the sender instead. */
    public boolean answered() {
        return answer != null;
    }
}
