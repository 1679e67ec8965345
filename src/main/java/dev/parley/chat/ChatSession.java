package dev.parley.chat;

import dev.parley.auth.Caller;
import dev.parley.room.RoomRef;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/** One open WebSocket connection: who it is, which rooms it joined, when it was last heard from. */
public final class ChatSession {
    private static final Logger LOG = Logger.getLogger(ChatSession.class);

    private final WebSocketConnection connection;
    private final Caller caller;
    private final Map<String, RoomRef> rooms = new ConcurrentHashMap<>();
    private final Deque<Long> invalidFrames = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Runnable> mailbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean ended;
    private final AtomicLong queuedChars = new AtomicLong();
    private final long maxQueuedChars;
    private final Consumer<ChatSession> onTooSlow;
    private final AtomicBoolean tooSlow = new AtomicBoolean();
    private volatile long lastHeardNanos = System.nanoTime();
    volatile ScheduledFuture<?> expiry;

    ChatSession(WebSocketConnection connection, Caller caller, long maxQueuedChars, Consumer<ChatSession> onTooSlow) {
        this.connection = connection;
        this.caller = caller;
        this.maxQueuedChars = maxQueuedChars;
        this.onTooSlow = onTooSlow;
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

    public Map<String, RoomRef> rooms() {
        return rooms;
    }

    /**
     * Sends a text frame without waiting; writes from one thread go out in call order. A write completes when the
     * frame is in the socket; frames of a client that stops reading pile up until {@code maxQueuedChars}, then the
     * session is handed to {@code onTooSlow} once and nothing more is queued for it.
     */
    public void send(String frame) {
        if (!connection.isOpen() || tooSlow.get()) {
            return;
        }
        long size = frame.length();
        long queued = queuedChars.addAndGet(size);
        if (queued > maxQueuedChars && queued != size) {
            queuedChars.addAndGet(-size);
            if (tooSlow.compareAndSet(false, true)) {
                onTooSlow.accept(this);
            }
            return;
        }
        connection.sendText(frame).subscribe().with(ok -> queuedChars.addAndGet(-size), failure -> {
            queuedChars.addAndGet(-size);
            LOG.debugf("send to %s failed: %s", id(), failure);
        });
    }

    public void close(int code, String reason) {
        if (connection.isOpen()) {
            connection.close(new CloseReason(code, reason)).subscribe().with(ok -> { }, failure -> { });
        }
    }

    /**
     * Runs {@code task} after every task submitted before it, one at a time, on a virtual thread. A burst of
     * frames is drained by one virtual thread, so a connection's frames are handled in order and the event loop
     * never waits.
     */
    void submit(Runnable task) {
        mailbox.add(task);
        if (draining.compareAndSet(false, true)) {
            Thread.startVirtualThread(this::drain);
        }
    }

    private void drain() {
        do {
            Runnable task;
            while ((task = mailbox.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("task of connection " + id() + " failed", e);
                }
            }
            draining.set(false);
        } while (!mailbox.isEmpty() && draining.compareAndSet(false, true));
    }

    /** Marks the session ended: frames still queued are dropped. True the first time. */
    boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    boolean ended() {
        return ended;
    }

    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    long silentNanos() {
        return System.nanoTime() - lastHeardNanos;
    }

    /** Records an invalid frame; true when more than {@code burst} fell within {@code windowNanos}. */
    synchronized boolean invalidFrame(int burst, long windowNanos) {
        long now = System.nanoTime();
        invalidFrames.addLast(now);
        while (!invalidFrames.isEmpty() && invalidFrames.peekFirst() < now - windowNanos) {
            invalidFrames.pollFirst();
        }
        return invalidFrames.size() > burst;
    }
}
