package dev.parley.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's membership in one room's live stream. Until the join's snapshot has been sent it buffers what
 * arrives; then it sends the snapshot, and after it only messages above the snapshot's last seq, so a join sees
 * every message once, in order.
 */
final class Subscription {
    private final ChatSession session;
    private List<Object[]> buffer = new ArrayList<>();
    private long deliveredSeq = Long.MAX_VALUE;

    Subscription(ChatSession session) {
        this.session = session;
    }

    ChatSession session() {
        return session;
    }

    /** A frame for this member; {@code seq} is the message's seq, or -1 for frames outside the sequence. */
    synchronized void deliver(long seq, String frame) {
        if (buffer != null) {
            buffer.add(new Object[] {seq, frame});
            return;
        }
        sendInOrder(seq, frame);
    }

    /** Sends the join snapshot, then what arrived meanwhile that the snapshot does not hold. */
    synchronized void activate(String snapshotFrame, long snapshotLastSeq) {
        session.send(snapshotFrame);
        deliveredSeq = snapshotLastSeq;
        List<Object[]> pending = buffer;
        buffer = null;
        for (Object[] item : pending) {
            sendInOrder((Long) item[0], (String) item[1]);
        }
    }

    private void sendInOrder(long seq, String frame) {
        if (seq < 0) {
            session.send(frame);
        } else if (seq > deliveredSeq) {
            deliveredSeq = seq;
            session.send(frame);
        }
    }
}
