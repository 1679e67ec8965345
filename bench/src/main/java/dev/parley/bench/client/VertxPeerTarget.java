package dev.parley.bench.client;

import dev.parley.bench.peer.PeerTokens;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    private static final class PlainSession implements Session {
        private final WebSocket ws;
        private final Events events;
        private final Map<String, Promise<Void>> joining = new HashMap<>();
        private final ArrayDeque<Promise<Void>> pings = new ArrayDeque<>();
        private boolean closing;

        PlainSession(WebSocket ws, Events events) {
            this.ws = ws;
            this.events = events;
            ws.textMessageHandler(this::frame);
            ws.exceptionHandler(e -> events.error("vertx peer socket: " + e));
            ws.closeHandler(v -> {
                if (!closing) {
                    events.error("vertx peer closed the connection: " + ws.closeStatusCode());
                }
                joining.values().forEach(p -> p.tryFail("closed"));
                pings.forEach(p -> p.tryFail("closed"));
            });
        }

        private void frame(String text) {
            JsonObject f;
            try {
                f = new JsonObject(text);
            } catch (DecodeException e) {
                events.error("vertx peer sent a frame that is not JSON: " + text);
                return;
            }
            switch (f.getString("type", "")) {
                case "message" -> events.message(f.getString("room"), f.getString("id"));
                case "ack" -> events.ack(f.getString("room"), f.getString("id"));
                case "joined" -> {
                    Promise<Void> p = joining.remove(f.getString("room"));
                    if (p != null) {
                        p.complete();
                    }
                }
                case "pong" -> {
                    Promise<Void> p = pings.poll();
                    if (p != null) {
                        p.complete();
                    }
                }
                default -> events.error("vertx peer: " + text);
            }
        }

        @Override
        public Future<Void> join(String room) {
            Promise<Void> p = Promise.promise();
            joining.put(room, p);
            ws.writeTextMessage(new JsonObject().put("type", "join").put("room", room).encode()).onFailure(p::tryFail);
            return p.future();
        }

        @Override
        public void send(String room, String clientId, String text) {
            ws.writeTextMessage(new JsonObject().put("type", "send").put("room", room).put("id", clientId)
                    .put("text", text).encode()).onFailure(e -> events.error("vertx peer send failed: " + e));
        }

        @Override
        public Future<Void> ping() {
            Promise<Void> p = Promise.promise();
            pings.add(p);
            ws.writeTextMessage("{\"type\":\"ping\"}").onFailure(p::tryFail);
            return p.future();
        }

        @Override
        public Future<Void> close() {
            closing = true;
            return ws.close();
        }
    }
}
