package dev.parley.floor;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.quarkus.websockets.next.runtime.WebSocketConnectionBase;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The floor of Parley's stack for the side-by-side benchmark: what a server on Parley's own choices costs before it
 * stores or decides anything. The same Quarkus, websockets-next endpoint settings ({@code CONCURRENT}, non-blocking
 * callbacks) and smallrye-jwt check (HS256, {@link Tokens}) as the server, and the subset of Parley's protocol the
 * harness speaks: {@code join_room} → {@code joined}, {@code send_message} → {@code message} to every member (the
 * sender too) then {@code ack}, {@code ping} → {@code pong}. Rooms live in memory; nothing is stored, ordered,
 * numbered or limited. Frames leave as Parley's do: one UTF-8 encoding per broadcast, written on the Vert.x socket
 * under the connection (Parley's {@code chat.SharedFrame} and {@code chat.Transport}).
 *
 * <p>{@code FLOOR_PRESENCE=1} (the harness's {@code floor}) adds what SPEC makes a join cost besides the database:
 * {@code presence} online to each member already in the room and a {@code joined} that lists the members;
 * {@code FLOOR_PRESENCE=0} ({@code floor-bare}) answers a join with {@code joined} alone, as the Vert.x peer does.
 * Heartbeats are websockets-next's own (a ping to every connection every 20 s).
 */
@WebSocket(path = "/ws", inboundProcessingMode = InboundProcessingMode.CONCURRENT)
public class FloorSocket {
    private static final boolean PRESENCE = "1".equals(System.getenv("FLOOR_PRESENCE"));
    private static final UserData.TypedKey<String> USER = UserData.TypedKey.forString("user");
    private static final UserData.TypedKey<String> ROOM = UserData.TypedKey.forString("room");
    private static final UserData.TypedKey<WebSocketBase> SOCKET = new UserData.TypedKey<>("socket");
    private static final ConcurrentHashMap<String, Set<WebSocketConnection>> ROOMS = new ConcurrentHashMap<>();
    private static final Method WEB_SOCKET;

    static {
        try {
            WEB_SOCKET = WebSocketConnectionBase.class.getDeclaredMethod("webSocket");
            WEB_SOCKET.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SecurityIdentity identity;

    FloorSocket(SecurityIdentity identity) {
        this.identity = identity;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection c) throws ReflectiveOperationException {
        c.userData().put(USER, identity.getPrincipal().getName());
        c.userData().put(SOCKET, (WebSocketBase) WEB_SOCKET.invoke(c));
    }

    @OnTextMessage
    @NonBlocking
    void text(WebSocketConnection c, String text) {
        JsonObject f = new JsonObject(text);
        switch (f.getString("type", "")) {
            case "join_room" -> {
                String room = f.getString("room");
                Set<WebSocketConnection> in = ROOMS.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet());
                JsonObject joined = new JsonObject().put("type", "joined").put("room", room);
                if (PRESENCE) {
                    String user = c.userData().get(USER);
                    byte[] presence = new JsonObject().put("type", "presence").put("room", room).put("user", user)
                            .put("status", "online").encode().getBytes(StandardCharsets.UTF_8);
                    JsonArray members = new JsonArray();
                    for (WebSocketConnection m : in) {
                        write(m, presence);
                        members.add(new JsonObject().put("user", m.userData().get(USER)).put("status", "online"));
                    }
                    members.add(new JsonObject().put("user", user).put("status", "online"));
                    joined.put("members", members).put("messages", new JsonArray()).put("lastSeq", 0);
                }
                in.add(c);
                c.userData().put(ROOM, room);
                write(c, joined.encode().getBytes(StandardCharsets.UTF_8));
            }
            case "send_message" -> {
                String room = f.getString("room");
                Set<WebSocketConnection> in = ROOMS.get(room);
                String id = f.getString("clientId");
                byte[] message = new JsonObject().put("type", "message").put("room", room).put("clientId", id)
                        .put("sender", c.userData().get(USER)).put("text", f.getString("text", ""))
                        .put("ts", System.currentTimeMillis()).encode().getBytes(StandardCharsets.UTF_8);
                if (in != null) {
                    for (WebSocketConnection m : in) {
                        write(m, message);
                    }
                }
                write(c, new JsonObject().put("type", "ack").put("room", room).put("clientId", id).encode()
                        .getBytes(StandardCharsets.UTF_8));
            }
            case "ping" -> write(c, "{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8));
            default -> write(c, "{\"type\":\"error\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    @OnClose
    @NonBlocking
    void close(WebSocketConnection c) {
        String room = c.userData().get(ROOM);
        if (room != null) {
            Set<WebSocketConnection> in = ROOMS.get(room);
            if (in != null) {
                in.remove(c);
            }
        }
    }

    private static void write(WebSocketConnection c, byte[] utf8) {
        WebSocketBase socket = c.userData().get(SOCKET);
        if (socket != null) {
            socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true));
        }
    }
}
