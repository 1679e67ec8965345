package dev.parley.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.ClientEvent;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ServerEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The connection to {@code /ws} and what must survive its loss: per joined room the epoch and the last seq seen,
 * and the lines sent but not yet acked (with their clientId). Every field is owned by one thread, {@code owner}:
 * frames, user actions and timers are all handed to it. After a drop it reconnects with {@link Backoff}, joins
 * each room again with {@code since}/{@code epoch}, and resends the unacked lines with the same clientIds (the
 * server answers a repeat with {@code duplicate: true}, so nothing is doubled). A room whose epoch changed was
 * deleted and created again: what was held and queued for it is dropped, never sent into the new room.
 */
public final class Link {
    private static final Duration PING_EVERY = Duration.ofSeconds(15);
    private static final Duration SILENCE_LIMIT = Duration.ofSeconds(40);

    /** What the link tells its user; called on the owner thread, in frame order. */
    public interface Listener {
        /** A server frame, after duplicates (messages already seen) were dropped. */
        void onEvent(ServerEvent event);

        /** Connection state in words: "connected", "reconnecting…". */
        void onStatus(String status, boolean connected);

        /** The room was created anew (another epoch): held messages and {@code droppedLines} queued lines are gone. */
        void onRoomReset(String room, int droppedLines);

        /** The server refused to join {@code room} (not found, forbidden…); the link forgets the room. */
        void onJoinRefused(String room, ServerEvent.Error error);
    }

    /** Gets a fresh token when the server refuses the current one (expired). */
    public interface Credentials {
        String token();

        String renew() throws Exception;
    }

    private static final class RoomState {
        Long epoch;
        long lastSeq;
        boolean joined;
        final Map<String, String> unacked = new LinkedHashMap<>();
    }

    private final HttpClient http;
    private final URI ws;
    private final ObjectMapper json;
    private final Credentials credentials;
    private final Listener listener;
    private final ScheduledExecutorService owner;

    private final Map<String, RoomState> rooms = new LinkedHashMap<>();
    private WebSocket socket;
    private CompletableFuture<WebSocket> sending;
    private int attempt;
    private boolean closing;
    private boolean authFailed;
    private long lastHeardNanos;
    private ScheduledFuture<?> heartbeat;
    private boolean everOpened;
    private final List<CompletableFuture<Void>> drainWaiters = new ArrayList<>();
    /** Rooms whose join_room was sent on this connection and not answered yet, in order (answers come in order). */
    private final java.util.ArrayDeque<String> joinsInFlight = new java.util.ArrayDeque<>();

    public Link(HttpClient http, URI ws, ObjectMapper json, Credentials credentials, Listener listener,
            ScheduledExecutorService owner) {
        this.http = http;
        this.ws = ws;
        this.json = json;
        this.credentials = credentials;
        this.listener = listener;
        this.owner = owner;
    }

    /** Opens the connection; the future completes when it is open (or fails with why it could not be). */
    public CompletableFuture<Void> connect() {
        CompletableFuture<Void> opened = new CompletableFuture<>();
        owner.execute(() -> open(opened));
        return opened;
    }

    /** Joins a room (again); the {@code joined} frame arrives through the listener. */
    public void join(String room) {
        owner.execute(() -> {
            RoomState state = rooms.computeIfAbsent(room, r -> new RoomState());
            if (socket != null) {
                sendJoin(room, state);
            }
        });
    }

    public void leave(String room) {
        owner.execute(() -> {
            RoomState state = rooms.remove(room);
            if (state != null && socket != null) {
                send(new ClientEvent.LeaveRoom(room));
            }
        });
    }

    /** Sends a line to a room; it is kept, and resent after a reconnect, until the server acks or refuses it. */
    public String say(String room, String text) {
        String clientId = UUID.randomUUID().toString();
        owner.execute(() -> {
            RoomState state = rooms.computeIfAbsent(room, r -> new RoomState());
            state.unacked.put(clientId, text);
            if (socket != null && state.joined) {
                send(new ClientEvent.SendMessage(room, clientId, text));
            }
        });
        return clientId;
    }

    /** A frame that is not worth keeping across a drop (cancel_turn, typing). */
    public void sendNow(ClientEvent event) {
        owner.execute(() -> {
            if (socket != null) {
                send(event);
            }
        });
    }

    /** How many lines still wait for their ack, in all rooms. */
    public CompletableFuture<Integer> unacked() {
        return CompletableFuture.supplyAsync(this::unackedCount, owner);
    }

    /** Completes once no line waits for its ack any more. */
    public CompletableFuture<Void> drained() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        owner.execute(() -> {
            drainWaiters.add(done);
            checkDrained();
        });
        return done;
    }

    private int unackedCount() {
        return rooms.values().stream().mapToInt(s -> s.unacked.size()).sum();
    }

    private void checkDrained() {
        if (!drainWaiters.isEmpty() && unackedCount() == 0) {
            drainWaiters.forEach(w -> w.complete(null));
            drainWaiters.clear();
        }
    }

    /** Closes the connection for good. */
    public CompletableFuture<Void> close() {
        return CompletableFuture.runAsync(() -> {
            closing = true;
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            if (socket != null) {
                WebSocket s = socket;
                socket = null;
                s.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS)
                        .whenComplete((ok, e) -> s.abort());
            }
        }, owner);
    }

    // ---- everything below runs on the owner thread ----

    private void open(CompletableFuture<Void> opened) {
        if (closing) {
            opened.completeExceptionally(new IOException("closed"));
            return;
        }
        http.newWebSocketBuilder().header("Authorization", "Bearer " + credentials.token())
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(ws, new Frames())
                .whenCompleteAsync((s, error) -> {
                    if (error == null) {
                        opened(s);
                        opened.complete(null);
                    } else {
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        int status = cause instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : 0;
                        opened.completeExceptionally(new Refused(status, describe(cause, status)));
                        if (everOpened) {
                            // a reconnect attempt: keep trying
                            authFailed = status == 401;
                            scheduleReconnect(0, describe(cause, status));
                        }
                    }
                }, owner);
    }

    /** Why a connection could not be opened; {@code status} is the HTTP status of a refused handshake, or 0. */
    public static final class Refused extends IOException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private static String describe(Throwable cause, int status) {
        return switch (status) {
            case 401 -> "the server refused the credentials (401)";
            case 403 -> "the server refused the connection (403)";
            case 429 -> "too many connections for this user (429)";
            case 0 -> "cannot connect: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
            default -> "the server refused the connection (" + status + ")";
        };
    }

    private void opened(WebSocket s) {
        socket = s;
        everOpened = true;
        sending = CompletableFuture.completedFuture(s);
        attempt = 0;
        authFailed = false;
        lastHeardNanos = System.nanoTime();
        listener.onStatus("connected", true);
        for (Map.Entry<String, RoomState> e : rooms.entrySet()) {
            RoomState state = e.getValue();
            state.joined = false;
            sendJoin(e.getKey(), state);
        }
        if (heartbeat == null) {
            heartbeat = owner.scheduleAtFixedRate(this::beat, PING_EVERY.toMillis(), PING_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void beat() {
        if (socket == null) {
            return;
        }
        if (System.nanoTime() - lastHeardNanos > SILENCE_LIMIT.toNanos()) {
            WebSocket s = socket;
            dropped(0, "no answer from the server");
            s.abort();
            return;
        }
        send(new ClientEvent.Ping());
    }

    private void sendJoin(String room, RoomState state) {
        joinsInFlight.add(room);
        send(new ClientEvent.JoinRoom(room, state.epoch == null ? null : state.lastSeq, state.epoch));
    }

    private void send(ClientEvent event) {
        ObjectNode frame = json.valueToTree(event);
        frame.put("type", event.type());
        String text = frame.toString();
        WebSocket target = socket;
        sending = sending.thenCompose(s -> s.sendText(text, true));
        sending.exceptionallyAsync(e -> {
            if (socket == target) {
                dropped(0, "sending failed: " + e.getMessage());
                target.abort();
            }
            return null;
        }, owner);
    }

    private void received(String text) {
        lastHeardNanos = System.nanoTime();
        ServerEvent event;
        try {
            event = json.readValue(text, ServerEvent.class);
        } catch (IOException e) {
            return; // a frame type this client does not know yet: newer servers may add some
        }
        if (event == null) {
            return;
        }
        switch (event) {
            case ServerEvent.Joined j -> joined(j);
            case MessageView m -> {
                RoomState state = rooms.get(m.room());
                if (state == null || m.seq() <= state.lastSeq) {
                    return; // not ours any more, or seen already
                }
                state.lastSeq = m.seq();
                if (m.clientId() != null) {
                    state.unacked.remove(m.clientId());
                }
                listener.onEvent(m);
            }
            case ServerEvent.Ack a -> {
                RoomState state = rooms.get(a.room());
                if (state != null) {
                    state.unacked.remove(a.clientId());
                }
                listener.onEvent(a);
            }
            case ServerEvent.Error e when "join_room".equals(e.ref()) && !joinsInFlight.isEmpty() -> {
                String room = joinsInFlight.poll();
                rooms.remove(room);
                listener.onJoinRefused(room, e);
            }
            case ServerEvent.CommandResult c -> {
                // a command the server answered instead of storing it: done, nothing to resend
                if (c.clientId() != null) {
                    rooms.values().forEach(s -> s.unacked.remove(c.clientId()));
                } else if (rooms.containsKey(c.room())) {
                    // a server that does not name the clientId yet answers a room's commands in order: the oldest
                    // slash line waiting in that room is the one answered
                    Map<String, String> waiting = rooms.get(c.room()).unacked;
                    waiting.entrySet().stream().filter(e -> e.getValue().startsWith("/")).findFirst()
                            .map(Map.Entry::getKey).ifPresent(waiting::remove);
                }
                listener.onEvent(c);
            }
            case ServerEvent.Error e -> {
                if (e.ref() != null) {
                    // a refused send is not resent: nothing was stored
                    rooms.values().forEach(s -> s.unacked.remove(e.ref()));
                }
                listener.onEvent(e);
            }
            case ServerEvent.Left l -> {
                rooms.remove(l.room());
                listener.onEvent(l);
            }
            default -> listener.onEvent(event);
        }
        checkDrained();
    }

    private void joined(ServerEvent.Joined j) {
        joinsInFlight.remove(j.room());
        RoomState state = rooms.get(j.room());
        if (state == null) {
            return; // left meanwhile
        }
        if (state.epoch != null && state.epoch != j.epoch()) {
            int dropped = state.unacked.size();
            state.unacked.clear();
            state.lastSeq = 0;
            listener.onRoomReset(j.room(), dropped);
        }
        state.epoch = j.epoch();
        long seen = state.lastSeq;
        List<MessageView> fresh = new ArrayList<>();
        for (MessageView m : j.messages()) {
            if (m.seq() > seen) {
                fresh.add(m);
                if (m.clientId() != null) {
                    state.unacked.remove(m.clientId());
                }
            }
        }
        state.lastSeq = Math.max(seen, j.lastSeq());
        state.joined = true;
        listener.onEvent(new ServerEvent.Joined(j.room(), j.epoch(), j.members(), fresh, j.lastSeq(), j.recovered()));
        for (Map.Entry<String, String> line : state.unacked.entrySet()) {
            send(new ClientEvent.SendMessage(j.room(), line.getKey(), line.getValue()));
        }
    }

    private void dropped(int code, String why) {
        if (socket == null) {
            return;
        }
        socket = null;
        joinsInFlight.clear();
        rooms.values().forEach(s -> s.joined = false);
        if (closing) {
            return;
        }
        authFailed = code == 1008;
        scheduleReconnect(code, why);
    }

    private void scheduleReconnect(int code, String why) {
        if (closing) {
            return;
        }
        Duration wait = Backoff.delay(attempt++, code, ThreadLocalRandom.current());
        listener.onStatus("reconnecting… (" + why + "; next try in " + (wait.toMillis() + 99) / 100 / 10.0 + " s)", false);
        owner.schedule(() -> {
            if (authFailed) {
                try {
                    credentials.renew();
                } catch (Exception e) {
                    listener.onStatus("reconnecting… (logging in again failed: " + e.getMessage() + ")", false);
                }
            }
            open(new CompletableFuture<>());
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The socket's callbacks: text is gathered into whole frames and handed to the owner thread. */
    private final class Frames implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                owner.execute(() -> {
                    if (socket == webSocket) {
                        received(text);
                    }
                });
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            owner.execute(() -> {
                if (socket == webSocket) {
                    dropped(statusCode, "closed " + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason));
                }
            });
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            owner.execute(() -> {
                if (socket == webSocket) {
                    dropped(0, "connection lost: " + error.getClass().getSimpleName());
                }
            });
        }
    }
}
