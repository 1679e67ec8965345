package dev.parley.chat;

import dev.parley.message.Draft;
import dev.parley.message.Stored;
import dev.parley.protocol.MessageView;
import java.util.concurrent.CompletableFuture;

/**
 * Extension points of the chat path, implemented by features that react to messages (the assistant, slash
 * commands). Every method must return quickly: slow work goes to the feature's own workers.
 */
public interface MessageHook {

    /**
     * A slash command: return a future to consume the draft, or null to let the message be stored. The future
     * completes with the stored message when the command stored one (a {@code system} announcement, acked like a
     * send), or with {@link Stored#answer} when it only answered the sender ({@code command_result}: no ack; over
     * REST the answer is the response body).
     */
    default CompletableFuture<Stored> command(ChatSession session, Draft draft) {
        return null;
    }

    /** A person's message was committed (not a duplicate). {@code session} is null for REST sends. */
    default void stored(ChatSession session, MessageView message) {
    }

    /** A connection joined a room and received its snapshot. */
    default void joined(ChatSession session, String room) {
    }

    /** Asks to cancel a turn; true when this hook owned it. */
    default boolean cancel(ChatSession session, String room, String turnId) {
        return false;
    }
}
