package dev.parley.bench.client;

import dev.parley.bench.peer.PeerTokens;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The socket.io peer (bench/socketio/server.js) through {@link EngineIo} framing: events {@code join} and
 * {@code send} with acks, {@code message} events to the room's members. Engine.IO pings come from the server and are
 * answered; the protocol has no client-initiated ping, so {@link #supportsPing()} is false.
 */
public final class SocketIoTarget extends WsTarget {
    private final PeerTokens signer;
    private final String userPrefix;
    private final List<String> tokens = new ArrayList<>();

    public SocketIoTarget(Vertx vertx, String host, int port, PeerTokens signer, String userPrefix) {
        super(vertx, host, port);
        this.signer = signer;
        this.userPrefix = userPrefix;
    }

    @Override
    public String name() {
        return "socketio";
    }

    @Override
    public boolean supportsPing() {
        return false;
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
                .setURI("/socket.io/?EIO=4&transport=websocket");
        String token = tokens.get(user % tokens.size());
        return client.connect(options).compose(ws -> {
            SocketIoSession session = new SocketIoSession(ws, events, token);
            return session.connected.future().map(v -> session);
        });
    }

    private static final class SocketIoSession implements Session {
        private final WebSocket ws;
        private final Events events;
        private final String token;
        private final Promise<Void> connected = Promise.promise();
        private final Map<Integer, Consumer<JsonArray>> acks = new HashMap<>();
        private int nextAckId;
        private boolean closing;

        SocketIoSession(WebSocket ws, Events events, String token) {
            this.ws = ws;
            this.events = events;
            this.token = token;
            ws.textMessageHandler(this::frame);
            ws.exceptionHandler(e -> events.error("socket.io socket: " + e));
            ws.closeHandler(v -> {
                connected.tryFail("closed before the socket.io connect");
                if (!closing) {
                    events.error("socket.io closed the connection: " + ws.closeStatusCode());
                }
            });
        }

        private void frame(String text) {
            EngineIo.Packet packet;
            try {
                packet = EngineIo.decode(text);
            } catch (DecodeException | IllegalArgumentException e) {
                events.error("socket.io frame not understood: " + text);
                return;
            }
            switch (packet) {
                case EngineIo.Open open -> ws.writeTextMessage(EngineIo.connect(new JsonObject().put("token", token)));
                case EngineIo.Ping ping -> ws.writeTextMessage(EngineIo.pong());
                case EngineIo.Connected c -> connected.tryComplete();
                case EngineIo.ConnectError e -> connected.tryFail("socket.io connect refused: " + e.data());
                case EngineIo.Event e -> {
                    if ("message".equals(e.args().getString(0))) {
                        JsonObject m = e.args().getJsonObject(1);
                        events.message(m.getString("room"), m.getString("id"));
                    }
                }
                case EngineIo.Ack a -> {
                    Consumer<JsonArray> handler = acks.remove(a.ackId());
                    if (handler == null) {
                        events.error("socket.io ack for nothing: " + text);
                    } else {
                        handler.accept(a.args());
                    }
                }
                case EngineIo.Disconnect d -> events.error("socket.io disconnected this client");
                case EngineIo.Other o -> events.error("socket.io packet not handled: " + o.raw());
            }
        }

        private void emit(JsonArray args, Consumer<JsonArray> onAck) {
            int id = nextAckId++;
            acks.put(id, onAck);
            ws.writeTextMessage(EngineIo.event(id, args)).onFailure(e -> {
                acks.remove(id);
                events.error("socket.io send failed: " + e);
            });
        }

        @Override
        public Future<Void> join(String room) {
            Promise<Void> p = Promise.promise();
            emit(new JsonArray().add("join").add(room), args -> p.tryComplete());
            return p.future();
        }

        @Override
        public void send(String room, String clientId, String text) {
            emit(new JsonArray().add("send").add(new JsonObject().put("room", room).put("id", clientId).put("text", text)),
                    args -> {
                        JsonObject ack = args.getJsonObject(0);
                        if (ack.containsKey("error")) {
                            events.error("socket.io refused a send: " + ack.encode());
                        } else {
                            events.ack(ack.getString("room"), ack.getString("id"));
                        }
                    });
        }

        @Override
        public Future<Void> ping() {
            return Future.failedFuture("Engine.IO v4 has no client ping");
        }

        @Override
        public Future<Void> close() {
            closing = true;
            return ws.close();
        }
    }
}
