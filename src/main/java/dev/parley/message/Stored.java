package dev.parley.message;

import dev.parley.protocol.MessageView;

/** The outcome of a store: the stored message, and whether it had been stored before under the same clientId. */
public record Stored(MessageView message, boolean duplicate) {
}
