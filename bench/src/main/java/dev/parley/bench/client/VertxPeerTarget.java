package dev.parley.bench.client;

import dev.parley.bench.peer.PeerTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Plain JSON frames of the raw Vert.x peer ({@link dev.parley.bench.peer.VertxPeer}). */
public final class VertxPeerTarget extends WsTarget {
    private final PeerTokens signer;
    private final String userPrefix;
    private final List<String> tokens = new ArrayList<>();

    public VertxPeerTarget(Vertx vertx, String host, int port, PeerTokens signer, String userPrefix) {
        super(vertx, host, port);
        this.signer = signer;
        this.userPrefix = userPrefix;
    }

    @Override
    public String name() {
        return "vertx";
    }

    @Override
    public boolean supportsPing() {
        return true;
    }

    @Override
    public void prepareUsers(int count) {
        for (int i = tokens.size(); i < count; i++) {
            tokens.add(signer.mint(userPrefix + "u" + i));
        }
    }

    @Override
    public Future<Session> open(int user, Events events) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port)
                .setURI("/ws?token=" + tokens.get(user % tokens.size()));
        return client.connect(options).map(ws -> new PlainSession(ws, events));
    }

    private static final class PlainSession extends JsonSession {
        PlainSession(WebSocket ws, Events events) {
            super(ws, events, "vertx peer", "id");
        }

        @Override
        protected JsonObject joinFrame(String room) {
            return new JsonObject().put("type", "join").put("room", room);
        }

        @Override
        protected JsonObject sendFrame(String room, String clientId, String text) {
            return new JsonObject().put("type", "send").put("room", room).put("id", clientId).put("text", text);
        }

        @Override
        protected void other(String type, JsonObject f, String text) {
            events.error("vertx peer: " + text);
        }
    }
}
