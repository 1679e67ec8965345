package dev.parley.assistant;

import dev.parley.chat.ChatSession;
import dev.parley.chat.Outbox;
import dev.parley.chat.RoomHub;
import dev.parley.protocol.ServerEvent;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node's members see of one assistant turn, whether the turn runs here or on another node: its frames go
 * to the members that received its {@code assistant_start}; a member who joins later first gets the start and the
 * text so far ({@link #replay}), then the rest. All under this object's lock, so no piece is lost or doubled: an
 * {@code assistant_start} tells the client that the turn's text starts afresh from the deltas that follow it.
 */
final class TurnFrames {
    final String room;
    final String id;
    final long replyTo;
    final String model;
    private final StringBuilder streamed = new StringBuilder();
    /**
     * The connections that got the start. Filled and read by the broadcasts' filters, which run later on each
     * member's event loop (hence a concurrent set), and kept after the end: a piece already on its way to a loop
     * still finds its receivers there.
     */
    private final Set<String> receivers = ConcurrentHashMap.newKeySet();
    private boolean finished;

    TurnFrames(String room, String id, long replyTo, String model) {
        this.room = room;
        this.id = id;
        this.replyTo = replyTo;
        this.model = model;
    }

    /** Tells this node's members of the room that the turn is queued ({@code queuePosition} > 0) or starting. */
    synchronized void start(RoomHub hub, Integer queuePosition) {
        hub.broadcast(room, new ServerEvent.AssistantStart(room, id, replyTo, model, queuePosition, null), s -> receivers.add(s.id()) || true);
    }

    /**
     * The next piece of text, to every member that saw the start; then {@code relay} (the piece to the other nodes)
     * under the same lock, so a copy of the whole text ({@link #withText}) is never overtaken by a piece it holds.
     */
    synchronized void delta(RoomHub hub, String piece, Runnable relay) {
        if (finished) {
            return;
        }
        streamed.append(piece);
        hub.broadcast(room, new ServerEvent.AssistantDelta(room, id, piece), s -> receivers.contains(s.id()));
        relay.run();
    }

    /** Runs {@code use} with the text so far, unless the turn has finished, while no piece can be added. */
    synchronized void withText(java.util.function.Consumer<String> use) {
        if (!finished) {
            use.accept(streamed.toString());
        }
    }

    /**
     * The whole text so far replaces what members have (a node that lost part of the stream got it again): every
     * member of the room gets the start, which restarts the text, and the text.
     */
    synchronized void restart(RoomHub hub, String text) {
        if (finished) {
            return;
        }
        streamed.setLength(0);
        receivers.clear();
        start(hub, null);
        if (!text.isEmpty()) {
            delta(hub, text, () -> { });
        }
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

    synchronized String text() {
        return streamed.toString();
    }

    /** No more frames. True the first time, when the turn really ends here. */
    synchronized boolean finish() {
        boolean first = !finished;
        finished = true;
        return first;
    }
}
