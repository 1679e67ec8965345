package dev.parley.bench.client;

import io.vertx.core.Future;

/** A server under test and the adapter for its protocol. */
public interface Target {
    /** Short name used in tables and charts: {@code parley}, {@code socketio}, {@code vertx}. */
    String name();

    /**
     * Obtains credentials for users {@code 0..count-1} before anything is timed (Parley: registration over REST;
     * the peers: a signed token). Blocking; call from the scenario thread, not the event loop.
     */
    void prepareUsers(int count) throws Exception;

    /** Opens an authenticated connection as user {@code user % prepared}; completes when it can join rooms. */
    Future<Session> open(int user, Events events);

    /** Whether {@link Session#ping()} is supported. */
    boolean supportsPing();
}
