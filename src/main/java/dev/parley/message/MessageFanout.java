package dev.parley.message;

import dev.parley.protocol.MessageView;

/** Receives each newly committed message, in seq order per room, right after its commit. */
public interface MessageFanout {
    void committed(MessageView message, long receivedNanos);

    /** A message another node stored (every one, whether this node has members in its room or not). */
    default void storedElsewhere(MessageView message) {
    }

    /** True while this node has members in the room (messages of other nodes for other rooms are not followed). */
    boolean watching(String room);
}
