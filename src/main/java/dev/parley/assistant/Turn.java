package dev.parley.assistant;

import dev.parley.assistant.provider.Cancellation;
import dev.parley.auth.Caller;
import dev.parley.chat.ChatSession;
import dev.parley.chat.Outbox;
import dev.parley.chat.RoomHub;
import dev.parley.protocol.ServerEvent;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * One assistant turn: who asked what, in which room, and what has streamed so far. Its frames go to the members
 * that received its {@code assistant_start}; a member who joins later first gets the start and the text so far
 * ({@link #replay}), then the rest. All of this happens under the turn's lock, so no piece is lost or doubled: an
 * {@code assistant_start} tells the client that the turn's text starts afresh from the deltas that follow it.
 */
public final class Turn {
    final String id = UUID.randomUUID().toString();
    final long roomId;
    final String room;
    final Caller asker;
    final long replyTo;
    final String question;
    final String model;
    final long createdNanos = System.nanoTime();
    final Cancellation cancellation = new Cancellation();
    private final StringBuilder streamed = new StringBuilder();
    private final Set<String> receivers = new HashSet<>();
    private boolean finished;
    private final java.util.concurrent.atomic.AtomicReference<Runnable> onSettled = new java.util.concurrent.atomic.AtomicReference<>();

    Turn(long roomId, String room, Caller asker, long replyTo, String question, String model) {
        this.roomId = roomId;
        this.room = room;
        this.asker = asker;
        this.replyTo = replyTo;
        this.question = question;
        this.model = model;
    }

    public String id() {
        return id;
    }

    public String room() {
        return room;
    }

    public Caller asker() {
        return asker;
    }

    /** Tells every member of the room that the turn is queued ({@code queuePosition} > 0) or starting. */
    synchronized void start(RoomHub hub, Integer queuePosition) {
        hub.broadcast(room, new ServerEvent.AssistantStart(room, id, replyTo, model, queuePosition, null), s -> receivers.add(s.id()) || true);
    }

    /** The next piece of text, to every member that saw the start. */
    synchronized void delta(RoomHub hub, String piece) {
        if (finished) {
            return;
        }
        streamed.append(piece);
        hub.broadcast(room, new ServerEvent.AssistantDelta(room, id, piece), s -> receivers.contains(s.id()));
    }

    /**
     * A connection just joined the room (for the first time, again after leaving it, or on a new connection after a
     * reconnect): it gets the start, which restarts the turn's text on the client, and the whole text so far. What
     * it may have received before does not matter, so a re-join on the same connection is exact too.
     */
    synchronized void replay(ChatSession session, Outbox outbox) {
        if (finished) {
            return;
        }
        session.send(outbox.encode(new ServerEvent.AssistantStart(room, id, replyTo, model, null, null)));
        if (!streamed.isEmpty()) {
            session.send(outbox.encode(new ServerEvent.AssistantDelta(room, id, streamed.toString())));
        }
        receivers.add(session.id());
    }

    /** What to run once the turn no longer needs its place in the queue (set by the worker). */
    void onSettled(Runnable action) {
        onSettled.set(action);
    }

    /** The turn's provider work is over (its reply is about to be stored, or it failed): frees its place, once. */
    void settle() {
        Runnable action = onSettled.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }

    synchronized String text() {
        return streamed.toString();
    }

    /** The reply is stored (or the turn failed): no more frames. True the first time, when the turn really ends here. */
    synchronized boolean finish() {
        boolean first = !finished;
        finished = true;
        receivers.clear();
        return first;
    }
}
