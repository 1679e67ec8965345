package dev.parley.protocol;

/** A refusal with a protocol error code; carried to the client as an {@code error} frame or a REST error body. */
public class ProtocolException extends RuntimeException {
    private final ErrorCode code;
    private final Long retryAfterMs;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, Long retryAfterMs) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfterMs = retryAfterMs;
    }

    public ErrorCode code() {
        return code;
    }

    public Long retryAfterMs() {
        return retryAfterMs;
    }
}
