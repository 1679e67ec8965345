package dev.parley.message;

import dev.parley.protocol.MessageView;

/** Receives each newly committed message, in seq order per room, right after its commit. */
public interface MessageFanout {
    void committed(MessageView message, long receivedNanos);

    /** True while this node has members in the room (messages of other nodes for other rooms are not followed). */
    boolean watching(String room);
}
