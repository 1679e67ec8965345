package dev.parley.chat;

import dev.parley.message.Draft;
import dev.parley.message.Stored;
import dev.parley.protocol.MessageView;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Test-only fault injection: a message whose text is exactly {@link #TRIGGER} makes the chat path fail with an
 * unexpected exception, as a bug or a broken dependency would; one whose text is {@link #FAIL_AFTER_STORE} makes the
 * hook fail after the message was committed. Every other message passes untouched.
 */
@Singleton
public class FaultInjectingHook implements MessageHook {
    public static final String TRIGGER = "\u2620 fail on purpose \u2620";
    public static final String FAIL_AFTER_STORE = "\u2620 fail after store \u2620";

    @Override
    public CompletableFuture<SendOutcome> command(ChatSession session, Draft draft) {
        if (TRIGGER.equals(draft.text())) {
            throw new IllegalStateException("injected failure");
        }
        return null;
    }

    @Override
    public void written(ChatSession session, MessageView message, CompletionStage<Stored> durable) {
        if (FAIL_AFTER_STORE.equals(message.text())) {
            throw new IllegalStateException("injected failure after store");
        }
    }
}
