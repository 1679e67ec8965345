package dev.parley.chat;

import dev.parley.message.Stored;
import dev.parley.protocol.ServerEvent;

/**
 * What a person's send came to: a stored message (acknowledged with {@code ack}; over REST, the 201/200 body), or
 * a slash command's answer to its sender ({@code command_result}: nothing stored, nothing to acknowledge).
 */
public sealed interface SendOutcome {

    /** A message was stored (or had been, under the same clientId). */
    record Saved(Stored stored) implements SendOutcome {
    }

    /** A command answered its sender only ({@code /help}, {@code /models}, {@code /who}). */
    record Answered(ServerEvent.CommandResult answer) implements SendOutcome {
    }
}
