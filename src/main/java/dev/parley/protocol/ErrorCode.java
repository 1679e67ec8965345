package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonValue;

/** The fixed list of error codes of the protocol (SPEC §2). */
public enum ErrorCode {
    BAD_REQUEST,
    UNKNOWN_TYPE,
    TOO_LARGE,
    NOT_JOINED,
    FORBIDDEN,
    NOT_FOUND,
    RATE_LIMITED,
    BUSY,
    LLM_UNAVAILABLE,
    LLM_ERROR,
    CANCELLED,
    INTERNAL,
    /** REST only: missing or bad credentials. */
    UNAUTHORIZED,
    /** REST only: the resource already exists. */
    CONFLICT;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
