package dev.parley.chat;

import dev.parley.message.MessageFanout;
import dev.parley.protocol.MessageView;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

/**
 * Test-only fault injection on the fan-out: a committed message whose text is exactly {@link #TRIGGER} makes the
 * fan-out throw, as a bug in delivery would. Every other message passes untouched.
 */
@Decorator
@Priority(10)
public abstract class FailingFanout implements MessageFanout {
    public static final String TRIGGER = "\u2620 fan-out fails \u2620";

    @Inject
    @Delegate
    @Any
    MessageFanout delegate;

    @Override
    public void committed(MessageView message, long receivedNanos) {
        if (TRIGGER.equals(message.text())) {
            throw new IllegalStateException("injected fan-out failure");
        }
        delegate.committed(message, receivedNanos);
    }
}
