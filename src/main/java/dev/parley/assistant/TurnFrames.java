package dev.parley.assistant;

import dev.parley.chat.RoomHub;
import dev.parley.protocol.ServerEvent;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What this node's members see of one assistant turn, whether the turn runs here or on another node: its frames go
 * to the members that received its {@code assistant_start}; a member who joins later first gets the start and the
 * text so far ({@link #replay}), then the rest. An {@code assistant_start} tells the client that the turn's text
 * starts afresh from the deltas that follow it.
 *
 * <p>No piece is lost or doubled, although a broadcast decides who gets a piece later, on each member's event loop,
 * and a replay writes at once: every piece carries its position in the stream, and each connection has the position
 * its last start was sent at. A connection takes the pieces at or after that position, so a piece already queued
 * on its loop when a replay sent the text that holds it is not sent a second time.
 */
final class TurnFrames {
    /** This node's members of a room: sends a frame to those whose connection id {@code to} accepts. */
    @FunctionalInterface
    interface Members {
        void send(String room, ServerEvent event, Predicate<String> to);

        static Members of(RoomHub hub) {
            return (room, event, to) -> hub.broadcast(room, event, s -> to.test(s.id()));
        }
    }

    final String room;
    final String id;
    final long replyTo;
    final String model;
    /** The text since the last {@link #restart}. */
    private final StringBuilder streamed = new StringBuilder();
    /** How many characters were ever streamed, restarts included: a piece's position is this before it is added. */
    private long position;
    /**
     * Each connection that was sent a start, and the position that start was sent at. Written and read by the
     * broadcasts' filters, which run on each member's event loop in the order the frames are written there (hence a
     * concurrent map), and kept after the end: a piece already on its way to a loop still finds its receivers.
     */
    private final ConcurrentHashMap<String, Long> from = new ConcurrentHashMap<>();
    private boolean finished;

    TurnFrames(String room, String id, long replyTo, String model) {
        this.room = room;
        this.id = id;
        this.replyTo = replyTo;
        this.model = model;
    }

    /** Tells this node's members of the room that the turn is queued ({@code queuePosition} > 0) or starting. */
    synchronized void start(Members members, Integer queuePosition) {
        long at = position;
        members.send(room, new ServerEvent.AssistantStart(room, id, replyTo, model, queuePosition, null), c -> {
            from.put(c, at);
            return true;
        });
    }

    /**
     * The next piece of text, to every member that saw a start before it; then {@code relay} (the piece to the other
     * nodes) under the same lock, so a copy of the whole text ({@link #withText}) is never overtaken by a piece it
     * holds.
     */
    synchronized void delta(Members members, String piece, Runnable relay) {
        if (finished) {
            return;
        }
        long at = position;
        streamed.append(piece);
        position += piece.length();
        members.send(room, new ServerEvent.AssistantDelta(room, id, piece), c -> {
            Long start = from.get(c);
            return start != null && start <= at;
        });
        relay.run();
    }

    /** Runs {@code use} with the text so far, unless the turn has finished, while no piece can be added. */
    synchronized void withText(Consumer<String> use) {
        if (!finished) {
            use.accept(streamed.toString());
        }
    }

    /**
     * The whole text so far replaces what members have (a node that lost part of the stream got it again): every
     * member of the room gets the start, which restarts the text, and the text. Pieces from before are not sent
     * after it.
     */
    synchronized void restart(Members members, String text) {
        if (finished) {
            return;
        }
        streamed.setLength(0);
        start(members, null);
        if (!text.isEmpty()) {
            delta(members, text, () -> { });
        }
    }

    /**
     * A connection just joined the room (for the first time, again after leaving it, or on a new connection after a
     * reconnect): {@code send} gets the start, which restarts the turn's text on the client, and the whole text so
     * far, to write at once. What the connection received before does not matter, so a re-join on the same
     * connection is exact too; pieces of that text still queued for it are not written after it.
     */
    synchronized void replay(String connection, Consumer<ServerEvent> send) {
        if (finished) {
            return;
        }
        from.put(connection, position);
        send.accept(new ServerEvent.AssistantStart(room, id, replyTo, model, null, null));
        if (!streamed.isEmpty()) {
            send.accept(new ServerEvent.AssistantDelta(room, id, streamed.toString()));
        }
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
