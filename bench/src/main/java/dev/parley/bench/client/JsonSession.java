package dev.parley.bench.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A session over plain JSON frames (Parley's protocol and the raw Vert.x peer's): joins wait for {@code joined},
 * pings for {@code pong}, messages and acks are counted by the id field the protocol names them with. Subclasses say
 * how to write a join and a send, and what to do with the frames this class does not know.
 */
abstract class JsonSession implements Session {
    protected final WebSocket ws;
    protected final Events events;
    protected final Map<String, Promise<Void>> joining = new HashMap<>();
    private final ArrayDeque<Promise<Void>> pings = new ArrayDeque<>();
    private final String server;
    private final String idField;
    private boolean closing;

    JsonSession(WebSocket ws, Events events, String server, String idField) {
        this.ws = ws;
        this.events = events;
        this.server = server;
        this.idField = idField;
        ws.textMessageHandler(this::frame);
        ws.exceptionHandler(e -> events.error(server + " socket: " + e));
        ws.closeHandler(v -> {
            if (!closing) {
                events.error(server + " closed the connection: " + ws.closeStatusCode() + " " + ws.closeReason());
            }
            joining.values().forEach(p -> p.tryFail("closed"));
            pings.forEach(p -> p.tryFail("closed"));
        });
    }

    /** The join frame for {@code room}. */
    protected abstract JsonObject joinFrame(String room);

    /** The send frame. */
    protected abstract JsonObject sendFrame(String room, String clientId, String text);

    /** A room message frame. */
    protected void message(JsonObject f) {
        events.message(f.getString("room"), f.getString(idField));
    }

    /** A frame of a type this class does not handle. */
    protected abstract void other(String type, JsonObject frame, String text);

    private void frame(String text) {
        JsonObject f;
        try {
            f = new JsonObject(text);
        } catch (DecodeException e) {
            events.error(server + " sent a frame that is not JSON: " + text);
            return;
        }
        String type = f.getString("type", "");
        switch (type) {
            case "message" -> message(f);
            case "ack" -> events.ack(f.getString("room"), f.getString(idField));
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
            default -> other(type, f, text);
        }
    }

    @Override
    public Future<Void> join(String room) {
        Promise<Void> p = Promise.promise();
        joining.put(room, p);
        ws.writeTextMessage(joinFrame(room).encode()).onFailure(p::tryFail);
        return p.future();
    }

    @Override
    public void send(String room, String clientId, String text) {
        ws.writeTextMessage(sendFrame(room, clientId, text).encode())
                .onFailure(e -> events.error(server + " send failed: " + e));
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
