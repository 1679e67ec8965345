package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A stored message as clients see it: the {@code message} frame, an entry of {@code joined.messages}
 * and of the REST history. Assistant fields are null (and left out) for other kinds.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageView(String room, long id, long seq, String clientId, String sender, MessageKind kind, String text,
        String ts, String model, String turnId, Boolean cached, Usage usage, Boolean cancelled, Boolean imported) implements ServerEvent {

    /** Token counts of an assistant reply. */
    @RegisterForReflection
    public record Usage(int inputTokens, int outputTokens) {
    }
}
