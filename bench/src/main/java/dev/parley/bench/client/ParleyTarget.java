package dev.parley.bench.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Parley's protocol (docs/protocol.md): register over REST for a JWT, {@code Authorization: Bearer} on {@code /ws},
 * {@code join_room}/{@code joined}, {@code send_message} with {@code clientId}, {@code message} and {@code ack} frames,
 * {@code ping}/{@code pong}.
 */
public final class ParleyTarget extends WsTarget {
    private static final String PASSWORD = "bench-password";
    private final String userPrefix;
    private final List<String> tokens;

    /** @param userPrefix makes usernames unique per run (letters and digits, ≤ 20 characters) */
    public ParleyTarget(Vertx vertx, String host, int port, String userPrefix) {
        this(vertx, host, port, userPrefix, new ArrayList<>());
    }

    private ParleyTarget(Vertx vertx, String host, int port, String userPrefix, List<String> tokens) {
        super(vertx, host, port);
        this.userPrefix = userPrefix;
        this.tokens = tokens;
    }

    /**
     * The same users on another node of the same cluster (one database, one {@code SECRET_KEY}): users registered
     * through either target log in through both, so register them once.
     */
    public ParleyTarget onNode(int nodePort) {
        return new ParleyTarget(vertx, host, nodePort, userPrefix, tokens);
    }

    @Override
    public String name() {
        return "parley";
    }

    @Override
    public boolean supportsPing() {
        return true;
    }

    /** Registers the users four at a time (bcrypt makes each registration cost the server a few tens of ms). */
    @Override
    public void prepareUsers(int count) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI register = URI.create("http://" + host + ":" + port + "/api/auth/register");
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<String>> pending = new ArrayList<>();
            for (int i = tokens.size(); i < count; i++) {
                String user = userPrefix + "u" + i;
                pending.add(pool.submit(() -> register(http, register, user)));
            }
            for (java.util.concurrent.Future<String> token : pending) {
                tokens.add(token.get());
            }
        }
    }

    private static String register(HttpClient http, URI register, String user) throws IOException, InterruptedException {
        String body = new JsonObject().put("username", user).put("password", PASSWORD).encode();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(register).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IOException("register " + user + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return new JsonObject(r.body()).getString("token");
    }

    @Override
    public Future<Session> open(int user, Events events) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/ws")
                .addHeader("Authorization", "Bearer " + tokens.get(user % tokens.size()));
        return client.connect(options).map(ws -> new ParleySession(ws, events));
    }

    private static final class ParleySession extends JsonSession {
        ParleySession(WebSocket ws, Events events) {
            super(ws, events, "parley", "clientId");
        }

        @Override
        protected JsonObject joinFrame(String room) {
            return new JsonObject().put("type", "join_room").put("room", room);
        }

        @Override
        protected JsonObject sendFrame(String room, String clientId, String text) {
            return new JsonObject().put("type", "send_message").put("room", room).put("clientId", clientId).put("text", text);
        }

        @Override
        protected void message(JsonObject f) {
            super.message(f);
            if ("assistant".equals(f.getString("kind"))) {
                events.assistant("message", f);
            }
        }

        @Override
        protected void other(String type, JsonObject f, String text) {
            if (type.startsWith("assistant_")) {
                events.assistant(type, f);
            } else if ("error".equals(type)) {
                Promise<Void> p = "join_room".equals(f.getString("ref")) && joining.size() == 1
                        ? joining.remove(joining.keySet().iterator().next()) : null;
                if (p != null) {
                    p.fail("join refused: " + text);
                } else {
                    events.error("parley error frame: " + text);
                }
            }
            // presence, typing and the like: not measured
        }
    }
}
