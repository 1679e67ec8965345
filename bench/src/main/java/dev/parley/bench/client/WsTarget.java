package dev.parley.bench.client;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

/** What the three adapters share: one Vert.x WebSocket client on the generator's single event loop. */
abstract class WsTarget implements Target {
    protected final Vertx vertx;
    protected final WebSocketClient client;
    protected final String host;
    protected final int port;

    WsTarget(Vertx vertx, String host, int port) {
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(100_000)
                .setMaxMessageSize(4 * 1024 * 1024)
                .setMaxFrameSize(1024 * 1024)
                .setConnectTimeout(30_000));
    }
}
