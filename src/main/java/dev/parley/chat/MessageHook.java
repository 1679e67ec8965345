package dev.parley.chat;

import dev.parley.message.Draft;
import dev.parley.message.Stored;
import dev.parley.protocol.MessageView;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Extension points of the chat path, implemented by features that react to messages (the assistant, slash
 * commands). Every method must return quickly: slow work goes to the feature's own workers.
 */
public interface MessageHook {

    /**
     * A slash command: return a future to consume the draft, or null to let the message be stored. The future
     * completes with the stored message when the command stored one (a {@code system} announcement, acked like a
     * send), or with {@link SendOutcome.Answered} when it only answered the sender ({@code command_result}: no ack; over
     * REST the answer is the response body).
     */
    default CompletableFuture<SendOutcome> command(ChatSession session, Draft draft) {
        return null;
    }

    /**
     * Whether {@link #command} would take this text. Asked on the connection's event loop, so it must be a quick
     * look at the text; {@link #command} itself then runs off the event loop and may block.
     */
    default boolean isCommand(String text) {
        return false;
    }

    /**
     * A person's message was committed (not a duplicate), and the disk is confirming it: {@code durable} completes once
     * it is on disk and delivered to the room, or fails when it never will be (the node then stops). Whatever reaches
     * the room or the sender on its behalf must wait for {@code durable}; reads may start at once. {@code session} is
     * null for REST sends. Runs on the writer's thread: queue anything slow. A hook that throws is reported to the
     * sender as {@code internal}.
     */
    default void written(ChatSession session, MessageView message, CompletionStage<Stored> durable) {
    }

    /** A connection joined a room and received its snapshot. Runs on the connection's event loop. */
    default void joined(ChatSession session, String room) {
    }

    /** Asks to cancel a turn; true when this hook owned it. Runs on the connection's event loop. */
    default boolean cancel(ChatSession session, String room, String turnId) {
        return false;
    }
}
