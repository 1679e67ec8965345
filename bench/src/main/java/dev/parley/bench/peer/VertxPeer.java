package dev.parley.bench.peer;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The raw Vert.x peer of the side-by-side benchmark: a room broadcast server without persistence, one event loop
 * owning every room and connection (so no state is shared between threads).
 *
 * <p>Protocol, JSON text frames on {@code /ws?token=<PeerTokens token>} (bad token: HTTP 401):
 * <ul>
 *   <li>{@code {"type":"join","room"}} → {@code {"type":"joined","room"}}</li>
 *   <li>{@code {"type":"send","room","id","text"}} → {@code {"type":"message","room","id","sender","text","ts"}} to
 *       every member of the room (the sender too), then {@code {"type":"ack","room","id"}} to the sender</li>
 *   <li>{@code {"type":"ping"}} → {@code {"type":"pong"}}</li>
 *   <li>anything else → {@code {"type":"error","message"}}</li>
 * </ul>
 * Heartbeat as Parley's: a sweep each second pings the connections silent for 20 s (at most once per 20 s) and closes
 * (1001) those not heard from in 28 s.
 * Port from {@code PORT} (default 8090), secret from {@code BENCH_SECRET}.
 */
public final class VertxPeer extends AbstractVerticle {
    private static final long SWEEP_EVERY_MS = 1_000;
    private static final long PING_AFTER_MS = 20_000;
    private static final long SILENT_LIMIT_MS = 28_000;
    private final int port;
    private final PeerTokens tokens;
    private final Map<String, Set<Member>> rooms = new HashMap<>();
    private final Set<Member> members = new HashSet<>();

    public VertxPeer(int port, PeerTokens tokens) {
        this.port = port;
        this.tokens = tokens;
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8090"));
        PeerTokens tokens = new PeerTokens(System.getenv().getOrDefault("BENCH_SECRET", PeerTokens.DEFAULT_SECRET));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        vertx.deployVerticle(new VertxPeer(port, tokens), new DeploymentOptions())
                .onSuccess(id -> System.out.println("vert.x peer listening on 127.0.0.1:" + port))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public void start(Promise<Void> started) {
        vertx.setPeriodic(SWEEP_EVERY_MS, id -> heartbeat());
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(request -> request.response().setStatusCode(404).end())
                .webSocketHandshakeHandler(this::handshake)
                .webSocketHandler(this::connected)
                .listen()
                .<Void>mapEmpty()
                .onComplete(started);
    }

    private void handshake(ServerWebSocketHandshake handshake) {
        String user = "/ws".equals(handshake.path()) ? tokens.verify(tokenOf(handshake.query())).orElse(null) : null;
        if (user == null) {
            handshake.reject(401);
        } else {
            handshake.accept();
        }
    }

    private static String tokenOf(String query) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("token=")) {
                return URLDecoder.decode(pair.substring("token=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void connected(ServerWebSocket ws) {
        Member member = new Member(ws, tokens.verify(tokenOf(ws.query())).orElseThrow());
        members.add(member);
        ws.pongHandler(data -> member.lastHeard = System.currentTimeMillis());
        ws.textMessageHandler(text -> {
            member.lastHeard = System.currentTimeMillis();
            handle(member, text);
        });
        ws.closeHandler(v -> {
            members.remove(member);
            for (String room : member.rooms) {
                Set<Member> in = rooms.get(room);
                if (in != null && in.remove(member) && in.isEmpty()) {
                    rooms.remove(room);
                }
            }
        });
    }

    private void handle(Member member, String text) {
        JsonObject frame;
        try {
            frame = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            member.ws.writeTextMessage(error("not a JSON object"));
            return;
        }
        String type = frame.getString("type", "");
        String room = frame.getString("room");
        switch (type) {
            case "join" -> {
                if (room == null) {
                    member.ws.writeTextMessage(error("join needs a room"));
                    return;
                }
                rooms.computeIfAbsent(room, r -> new HashSet<>()).add(member);
                member.rooms.add(room);
                member.ws.writeTextMessage(new JsonObject().put("type", "joined").put("room", room).encode());
            }
            case "send" -> {
                Set<Member> in = room == null ? null : rooms.get(room);
                if (in == null || !in.contains(member)) {
                    member.ws.writeTextMessage(error("not joined: " + room));
                    return;
                }
                Object id = frame.getValue("id");
                String message = new JsonObject().put("type", "message").put("room", room).put("id", id)
                        .put("sender", member.user).put("text", frame.getString("text", ""))
                        .put("ts", System.currentTimeMillis()).encode();
                for (Member m : in) {
                    m.ws.writeTextMessage(message);
                }
                member.ws.writeTextMessage(new JsonObject().put("type", "ack").put("room", room).put("id", id).encode());
            }
            case "ping" -> member.ws.writeTextMessage("{\"type\":\"pong\"}");
            default -> member.ws.writeTextMessage(error("unknown type: " + type));
        }
    }

    private void heartbeat() {
        long now = System.currentTimeMillis();
        Buffer ping = Buffer.buffer("hb");
        for (Iterator<Member> it = members.iterator(); it.hasNext(); ) {
            Member m = it.next();
            if (now - m.lastHeard > SILENT_LIMIT_MS) {
                it.remove();
                m.ws.close((short) 1001, "no heartbeat");
            } else if (now - m.lastHeard >= PING_AFTER_MS && now - m.lastPinged >= PING_AFTER_MS) {
                m.lastPinged = now;
                m.ws.writePing(ping);
            }
        }
    }

    private static String error(String message) {
        return new JsonObject().put("type", "error").put("message", message).encode();
    }

    private static final class Member {
        final ServerWebSocket ws;
        final String user;
        final Set<String> rooms = new HashSet<>();
        long lastHeard = System.currentTimeMillis();
        long lastPinged = lastHeard;

        Member(ServerWebSocket ws, String user) {
            this.ws = ws;
            this.user = user;
        }
    }
}
