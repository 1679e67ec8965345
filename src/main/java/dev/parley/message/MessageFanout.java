package dev.parley.message;

import dev.parley.protocol.MessageView;

/** Receives each newly committed message, in seq order per room, right after its commit. */
public interface MessageFanout {
    void committed(MessageView message, long receivedNanos);
}
