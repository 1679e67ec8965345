package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonValue;

/** Who wrote a message: a person, the assistant, or the server (command announcements). */
public enum MessageKind {
    USER("user"),
    ASSISTANT("assistant"),
    SYSTEM("system");

    private final String wire;

    MessageKind(String wire) {
        this.wire = wire;
    }

    /** The name on the wire and in the database. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The kind with this wire name. */
    public static MessageKind of(String wire) {
        for (MessageKind k : values()) {
            if (k.wire.equals(wire)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown message kind: " + wire);
    }
}
