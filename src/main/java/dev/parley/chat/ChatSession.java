package dev.parley.chat;

import dev.parley.auth.Caller;
import dev.parley.room.RoomRef;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One open WebSocket connection. Its state (the rooms it joined, the frames held behind a blocking step, the
 * invalid-frame window) is owned by the connection's event loop: every change runs there, either because the
 * caller is already on it or through {@link #run}. Frames go out with {@link #send} from any thread, in call order
 * per thread, written on the event loop.
 */
public final class ChatSession {
    private static final Logger LOG = Logger.getLogger(ChatSession.class);

    private final WebSocketConnection connection;
    private final WebSocketBase socket;
    private final Context context;
    private final Thread owner;
    private final Caller caller;
    private final long expiresAtMillis;
    private final Consumer<ChatSession> onTooSlow;
    private final int maxHeldFrames;

    // owned by the event loop
    private final Map<String, RoomRef> rooms = new HashMap<>();
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    private final Deque<Runnable> held = new ArrayDeque<>();
    private final Deque<Long> invalidFrames = new ArrayDeque<>();
    private boolean blocked;
    private boolean paused;
    private boolean tooSlow;

    private volatile boolean ended;
    private volatile long lastHeardNanos = System.nanoTime();

    ChatSession(WebSocketConnection connection, Caller caller, long expiresAtMillis, long maxQueuedBytes, int maxHeldFrames,
            Consumer<ChatSession> onTooSlow) {
        this.connection = connection;
        this.socket = Transport.socket(connection);
        this.context = io.vertx.core.Vertx.currentContext();
        this.owner = Thread.currentThread();
        this.caller = caller;
        this.expiresAtMillis = expiresAtMillis;
        this.onTooSlow = onTooSlow;
        this.maxHeldFrames = maxHeldFrames;
        if (context == null || !io.vertx.core.Context.isOnEventLoopThread()) {
            throw new IllegalStateException("a session is opened on its connection's event loop");
        }
        // the socket's write queue counts the bytes handed to it and not yet written to the network
        socket.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, Math.max(1024, maxQueuedBytes)));
    }

    public String id() {
        return connection.id();
    }

    public Caller caller() {
        return caller;
    }

    public String user() {
        return caller.username();
    }

    /** The room this connection joined under that name, or null. Read on the event loop (inside {@link #run}). */
    public RoomRef room(String name) {
        assertOwner();
        return rooms.get(name);
    }

    /** Runs {@code task} on this connection's event loop: now when the caller is on it, else queued there in order. */
    public void run(Runnable task) {
        if (Thread.currentThread() == owner) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    /** The event loop context that owns this session (RoomHub groups its fan-out by it). */
    Context context() {
        return context;
    }

    Thread owner() {
        return owner;
    }

    /**
     * Sends a text frame without waiting. On the event loop it is written at once; from another thread it is queued
     * there, so frames from one thread keep their order. A client that stops reading makes the socket's write queue
     * fill up past {@code maxQueuedBytes}: the session is handed to {@code onTooSlow} once and nothing more is
     * written to it.
     */
    public void send(String frame) {
        if (Thread.currentThread() == owner) {
            write(frame);
        } else {
            context.runOnContext(v -> write(frame));
        }
    }

    /** Writes on the event loop. */
    void write(String frame) {
        if (writable()) {
            socket.writeTextMessage(frame);
        }
    }

    /** Writes a room's frame, encoded once for all its members, on the event loop. */
    void write(SharedFrame frame) {
        if (writable()) {
            frame.writeTo(socket);
        }
    }

    /** Whether a frame may be written now; a full write queue hands the session to {@code onTooSlow}, once. */
    private boolean writable() {
        if (tooSlow || socket.isClosed()) {
            return false;
        }
        if (socket.writeQueueFull()) {
            tooSlow = true;
            onTooSlow.accept(this);
            return false;
        }
        return true;
    }

    public void close(int code, String reason) {
        if (connection.isOpen()) {
            connection.close(new CloseReason(code, reason)).subscribe().with(ok -> { }, failure -> { });
        }
    }

    // ---- inbound frames (event loop) ----

    /**
     * Handles a client frame in arrival order: at once, unless an earlier frame's blocking step (a join's database
     * work) is still running, in which case it waits behind it. Past {@code maxHeldFrames} waiting frames the socket
     * stops reading until they are handled, so a client cannot make the server buffer without bound (frames already
     * read in the same network read burst, at most about 1 MiB, still arrive).
     */
    void inbound(Runnable frame) {
        assertOwner();
        if (!blocked && held.isEmpty()) {
            frame.run();
            return;
        }
        held.add(frame);
        if (held.size() >= maxHeldFrames && !paused) {
            paused = true;
            socket.pause();
        }
    }

    /** Holds later frames until {@link #unblock} (an earlier frame's blocking step is running). */
    void block() {
        assertOwner();
        blocked = true;
    }

    /** The blocking step ended: handles the frames that waited for it, until one blocks again. */
    void unblock() {
        assertOwner();
        blocked = false;
        Runnable next;
        while (!blocked && (next = held.poll()) != null) {
            next.run();
        }
        if (paused && held.size() < maxHeldFrames / 2) {
            paused = false;
            socket.resume();
        }
    }

    int heldFrames() {
        return held.size();
    }

    // ---- rooms (event loop) ----

    boolean inRoom(String name) {
        assertOwner();
        return rooms.containsKey(name);
    }

    void enter(RoomRef room, Subscription subscription) {
        assertOwner();
        rooms.put(room.name(), room);
        subscriptions.put(room.name(), subscription);
    }

    /** Leaves a room; returns its subscription, or null when the connection was not in it. */
    Subscription exit(String name) {
        assertOwner();
        rooms.remove(name);
        return subscriptions.remove(name);
    }

    Subscription subscription(String name) {
        assertOwner();
        return subscriptions.get(name);
    }

    Collection<String> roomNames() {
        assertOwner();
        return List.copyOf(rooms.keySet());
    }

    // ---- liveness (any thread) ----

    /** Marks the session ended: frames still held are dropped. True the first time. */
    boolean end() {
        assertOwner();
        if (ended) {
            return false;
        }
        ended = true;
        held.clear();
        return true;
    }

    boolean ended() {
        return ended;
    }

    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** The sweep's thread alone reads and sets it: when this connection was last given a ping. */
    private long lastPingNanos = System.nanoTime();

    /**
     * On the sweep's thread: true (and counted as pinged from now) when the connection has been silent for
     * {@code intervalNanos} and was not pinged within it. A connection that sends frames is never pinged: what it sends
     * already shows it alive.
     */
    boolean pingDue(long nowNanos, long intervalNanos) {
        if (nowNanos - lastPingNanos < intervalNanos || nowNanos - lastHeardNanos < intervalNanos) {
            return false;
        }
        lastPingNanos = nowNanos;
        return true;
    }

    /** Sends a ping, on the event loop; the client's pong is a sign of life ({@link #heard}). */
    void ping() {
        assertOwner();
        if (!tooSlow && !socket.isClosed()) {
            socket.writePing(Buffer.buffer());
        }
    }

    /** How long nothing was heard from the client, as of {@code nowNanos} ({@link System#nanoTime}). */
    long silentNanos(long nowNanos) {
        return nowNanos - lastHeardNanos;
    }

    boolean expired(long nowMillis) {
        return expiresAtMillis > 0 && nowMillis >= expiresAtMillis;
    }

    /** Records an invalid frame; true when more than {@code burst} fell within {@code windowNanos}. */
    boolean invalidFrame(int burst, long windowNanos) {
        assertOwner();
        long now = System.nanoTime();
        invalidFrames.addLast(now);
        while (!invalidFrames.isEmpty() && invalidFrames.peekFirst() < now - windowNanos) {
            invalidFrames.pollFirst();
        }
        return invalidFrames.size() > burst;
    }

    private void assertOwner() {
        if (Thread.currentThread() != owner) {
            IllegalStateException e = new IllegalStateException("session state touched off its event loop");
            LOG.error(e.getMessage(), e);
            throw e;
        }
    }
}
