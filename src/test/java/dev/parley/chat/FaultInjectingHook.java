package dev.parley.chat;

import dev.parley.message.Draft;
import dev.parley.message.Stored;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;

/**
 * Test-only fault injection: a message whose text is exactly {@link #TRIGGER} makes the chat path fail with an
 * unexpected exception, as a bug or a broken dependency would. Every other message passes untouched.
 */
@Singleton
public class FaultInjectingHook implements MessageHook {
    public static final String TRIGGER = "\u2620 fail on purpose \u2620";

    @Override
    public CompletableFuture<Stored> command(ChatSession session, Draft draft) {
        if (TRIGGER.equals(draft.text())) {
            throw new IllegalStateException("injected failure");
        }
        return null;
    }
}
