package dev.parley.bench.client;

import io.vertx.core.Future;

/** One open, authenticated connection, whatever the server's protocol. Use only on the generator's event loop. */
public interface Session {
    /** Joins a room; completes when the server confirms. */
    Future<Void> join(String room);

    /** Sends a message; its delivery and ack arrive through {@link Events}. */
    void send(String room, String clientId, String text);

    /** An application-level ping answered by the server on the same socket; fails where the protocol has none. */
    Future<Void> ping();

    Future<Void> close();
}
