package dev.parley.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's place in one room's live stream, touched only on the connection's event loop. Until the join's
 * snapshot has been sent it buffers what arrives; then it sends the snapshot, and after it only messages above the
 * snapshot's last seq, so a join sees every message once, in order.
 */
final class Subscription {
    /** Live frames a join may buffer while its snapshot is read; past it the client is asked to come back. */
    static final int MAX_BUFFERED = 10_000;

    private final ChatSession session;
    private final String room;
    private List<Frame> buffer = new ArrayList<>();
    private long deliveredSeq = Long.MAX_VALUE;
    private boolean revoked;

    /** A frame and its message seq, or -1 for frames outside the sequence (presence, typing, assistant stream). */
    private record Frame(long seq, SharedFrame frame) {
    }

    Subscription(ChatSession session, String room) {
        this.session = session;
        this.room = room;
    }

    ChatSession session() {
        return session;
    }

    String room() {
        return room;
    }

    /** A frame for this member, on its event loop. */
    void deliver(long seq, SharedFrame frame) {
        if (revoked) {
            return;
        }
        if (buffer != null) {
            if (buffer.size() >= MAX_BUFFERED) {
                // the join is far behind a very busy room: the client resumes from history instead
                revoked = true;
                buffer = List.of();
                session.close(1013, "too much arrived during the join: reconnect and resume");
                return;
            }
            buffer.add(new Frame(seq, frame));
            return;
        }
        sendInOrder(seq, frame);
    }

    /** Sends the join snapshot, then what arrived meanwhile that the snapshot does not hold. */
    void activate(String snapshotFrame, long snapshotLastSeq) {
        session.send(snapshotFrame);
        deliveredSeq = snapshotLastSeq;
        List<Frame> pending = buffer;
        buffer = null;
        for (Frame f : pending) {
            sendInOrder(f.seq(), f.frame());
        }
    }

    boolean active() {
        return buffer == null && !revoked;
    }

    /** The connection lost the room before or after its join finished: nothing more is delivered. */
    void revoke() {
        revoked = true;
        buffer = List.of();
    }

    boolean revoked() {
        return revoked;
    }

    private void sendInOrder(long seq, SharedFrame frame) {
        if (seq < 0) {
            session.write(frame);
        } else if (seq > deliveredSeq) {
            deliveredSeq = seq;
            session.write(frame);
        }
    }
}
