package dev.parley.bench.client;

/** What a connection reports to the scenario driving it; always called on the generator's event loop. */
public interface Events {
    /** A room message frame arrived (at any member, the sender included). */
    void message(String room, String clientId);

    /** The server acknowledged a send of this connection. */
    void ack(String room, String clientId);

    /** An error frame, a refused request or an unexpected close: counted and shown, never ignored. */
    void error(String what);

    /**
     * Parley's assistant: an {@code assistant_start}, {@code assistant_delta} or {@code assistant_error} frame, or
     * ({@code type} {@code "message"}) the assistant's stored reply, besides {@link #message}. Only the assistant
     * scenario looks at them.
     */
    default void assistant(String type, io.vertx.core.json.JsonObject frame) {
    }

    /** Events that only count errors: for connections whose messages a scenario does not look at. */
    static Events countingErrors(java.util.function.Consumer<String> errors) {
        return new Events() {
            @Override
            public void message(String room, String clientId) {
            }

            @Override
            public void ack(String room, String clientId) {
            }

            @Override
            public void error(String what) {
                errors.accept(what);
            }
        };
    }
}
