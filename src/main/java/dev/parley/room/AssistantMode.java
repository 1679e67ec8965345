package dev.parley.room;

import java.util.Locale;

/** When the assistant answers in a room. */
public enum AssistantMode {
    /** Only messages that mention it. */
    MENTION,
    /** Every message. */
    ALWAYS,
    /** Never. */
    OFF;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AssistantMode parse(String value) {
        for (AssistantMode m : values()) {
            if (m.wire().equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("assistant must be one of mention, always, off");
    }
}
