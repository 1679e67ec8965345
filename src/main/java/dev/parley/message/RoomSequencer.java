package dev.parley.message;

import dev.parley.protocol.MessageView;
import io.micrometer.core.instrument.Counter;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Hands messages to the fan-out in seq order per room when they come from this node's commits and from other nodes
 * (SPEC §5): one with the next seq goes at once; one ahead of a missing seq waits up to {@code gapWaitNanos} for it
 * on the bus, then the gap is read from the database before it goes; one at or below what was handed already is a
 * repeat and dropped. A room is tracked only while the node has members in it. Owned by one writer shard's
 * delivery thread, which owns the rooms of that shard; nothing here is shared.
 */
final class RoomSequencer {
    private static final Logger LOG = Logger.getLogger(RoomSequencer.class);
    private static final int FILL_PAGE = 500;

    private final MessageFanout fanout;
    private final Gaps history;
    private final long gapWaitNanos;
    private final Map<Long, Line> lines = new HashMap<>();
    private final Counter refetched;

    private static final class Line {
        final String room;
        long delivered;
        final TreeMap<Long, Held> held = new TreeMap<>();
        long waitUntil;

        Line(String room, long delivered) {
            this.room = room;
            this.delivered = delivered;
        }
    }

    private record Held(MessageView message, long receivedNanos) {
    }

    /** Reads committed messages of a room above a seq, ascending ({@link HistoryService#after}). */
    @FunctionalInterface
    interface Gaps {
        List<MessageView> after(long roomId, String room, long afterSeq, int limit);
    }

    RoomSequencer(MessageFanout fanout, Gaps history, long gapWaitNanos, Counter refetched) {
        this.refetched = refetched;
        this.fanout = fanout;
        this.history = history;
        this.gapWaitNanos = gapWaitNanos;
    }

    /** A committed message, of this node or another. */
    void offer(long roomId, MessageView m, long receivedNanos) {
        if (!fanout.watching(m.room())) {
            lines.remove(roomId); // nobody here to deliver to; a join starts the room again from its snapshot
            return;
        }
        Line line = lines.computeIfAbsent(roomId, id -> new Line(m.room(), m.seq() - 1));
        if (m.seq() <= line.delivered) {
            return;
        }
        if (m.seq() == line.delivered + 1) {
            hand(line, m, receivedNanos);
            release(line);
            return;
        }
        line.held.putIfAbsent(m.seq(), new Held(m, receivedNanos));
        if (line.waitUntil == 0) {
            line.waitUntil = System.nanoTime() + gapWaitNanos;
        }
    }

    /**
     * A join read the room up to {@code lastSeq}: when the room is not tracked yet, this is where its live stream
     * starts, so a message missed later is seen as a gap.
     */
    void known(long roomId, String room, long lastSeq) {
        if (fanout.watching(room)) {
            lines.putIfAbsent(roomId, new Line(room, lastSeq));
        }
    }

    /** Nanos until the earliest gap wait ends, or -1 when nothing waits. */
    long nextWaitNanos(long now) {
        long next = -1;
        for (Line line : lines.values()) {
            if (line.waitUntil != 0) {
                long left = Math.max(0, line.waitUntil - now);
                next = next < 0 ? left : Math.min(next, left);
            }
        }
        return next;
    }

    /** Fills the gaps that waited long enough. */
    void expire(long now) {
        for (Map.Entry<Long, Line> e : lines.entrySet()) {
            Line line = e.getValue();
            if (line.waitUntil != 0 && line.waitUntil <= now && !line.held.isEmpty()) {
                fill(e.getKey(), line, line.held.firstKey() - 1);
                release(line);
            }
        }
    }

    /** Traffic may have been lost: every tracked room reads what it lacks from the database. */
    void catchUp() {
        for (Map.Entry<Long, Line> e : lines.entrySet()) {
            fill(e.getKey(), e.getValue(), Long.MAX_VALUE);
            release(e.getValue());
        }
    }

    /** Forgets rooms this node no longer has members in. */
    void sweep() {
        lines.values().removeIf(line -> !fanout.watching(line.room));
    }

    int rooms() {
        return lines.size();
    }

    /** Reads and hands the room's messages above what was delivered, up to {@code upTo}. */
    private void fill(long roomId, Line line, long upTo) {
        while (line.delivered < upTo) {
            int want = (int) Math.min(FILL_PAGE, upTo - line.delivered);
            List<MessageView> found;
            try {
                found = history.after(roomId, line.room, line.delivered, want);
            } catch (RuntimeException e) {
                // the database is unreachable: what is held waits and the next attempt comes with the next message
                LOG.warnf(e, "could not read the gap above seq %d of %s; retrying", line.delivered, line.room);
                line.waitUntil = System.nanoTime() + gapWaitNanos;
                return;
            }
            long now = System.nanoTime();
            for (MessageView m : found) {
                if (m.seq() == line.delivered + 1) {
                    refetched.increment();
                    hand(line, m, now);
                }
            }
            if (found.size() < want) {
                break;
            }
        }
        if (!line.held.isEmpty() && line.held.firstKey() > line.delivered + 1) {
            // the database has nothing in between (the room was deleted and made again): go on from what is held
            LOG.warnf("seqs %d..%d of %s are not in the database; delivering on from %d", line.delivered + 1,
                    line.held.firstKey() - 1, line.room, line.held.firstKey());
            line.delivered = line.held.firstKey() - 1;
        }
    }

    /** Hands on what is held and now next in line; keeps the gap wait while something still waits. */
    private void release(Line line) {
        Iterator<Map.Entry<Long, Held>> it = line.held.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Held> next = it.next();
            if (next.getKey() <= line.delivered) {
                it.remove();
            } else if (next.getKey() == line.delivered + 1) {
                it.remove();
                hand(line, next.getValue().message(), next.getValue().receivedNanos());
            } else {
                break;
            }
        }
        if (line.held.isEmpty()) {
            line.waitUntil = 0;
        } else if (line.waitUntil == 0) {
            line.waitUntil = System.nanoTime() + gapWaitNanos;
        }
    }

    private void hand(Line line, MessageView m, long receivedNanos) {
        line.delivered = m.seq();
        try {
            fanout.committed(m, receivedNanos);
        } catch (RuntimeException e) {
            // the message is committed: members that miss it resume from history
            LOG.errorf(e, "delivering message %d of %s failed", m.seq(), m.room());
        }
    }
}
