package dev.parley.assistant.provider;

import java.time.Duration;

/** A provider request that failed, classified so the caller knows whether to retry, fall back or give up. */
public class ProviderException extends RuntimeException {

    /** What went wrong; decides retries, the circuit breaker and the error code the room sees. */
    public enum Kind {
        /** No connection could be made. Retried; counts for the circuit breaker. */
        CONNECT(true, true),
        /** No first token, or no next token, within {@code LLM_TIMEOUT}. Retried; counts for the breaker. */
        TIMEOUT(true, true),
        /** HTTP 429 other than a spend limit. Retried (honouring {@code retry-after}). */
        RATE_LIMITED(true, false),
        /** HTTP 5xx or an overloaded provider. Retried; counts for the breaker. */
        SERVER(true, true),
        /** Credit, quota or spend limit reached. Never retried. */
        SPEND_LIMIT(false, false),
        /** Bad or missing credentials. */
        AUTH(false, false),
        /** The provider refused the request (unknown model, invalid request). */
        REJECTED(false, false),
        /** The provider answered with something that is not its documented format. */
        PROTOCOL(false, false),
        /** The provider is not configured (e.g. no API key) or not known. */
        NOT_CONFIGURED(false, false),
        /** The circuit breaker is open: the provider failed repeatedly and is skipped for a while. */
        UNAVAILABLE(false, false),
        /** The turn was cancelled. */
        CANCELLED(false, false);

        public final boolean retriable;
        public final boolean breaksCircuit;

        Kind(boolean retriable, boolean breaksCircuit) {
            this.retriable = retriable;
            this.breaksCircuit = breaksCircuit;
        }
    }

    private final Kind kind;
    private final Duration retryAfter;
    private final String detail;

    /** {@code message} is for people: written by Parley, never the provider's own words (SPEC: raw errors stay in the log). */
    public ProviderException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public ProviderException(Kind kind, String message, Duration retryAfter) {
        this(kind, message, null, retryAfter);
    }

    /**
     * {@code detail} is what the provider or the transport said (an error body, an exception): it may hold key
     * fragments or internal addresses, so it goes to the log only ({@link #logText()}), never to room members.
     */
    public ProviderException(Kind kind, String message, String detail, Duration retryAfter) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfter = retryAfter;
        this.detail = detail;
    }

    public Kind kind() {
        return kind;
    }

    /** The wait the provider asked for ({@code retry-after}), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** What the provider or the transport said, for the log; null when there is nothing beyond the message. */
    public String detail() {
        return detail;
    }

    /** The message and the detail, for the log. */
    public String logText() {
        return detail == null || detail.isBlank() ? getMessage() : getMessage() + " [" + detail + "]";
    }
}
