package dev.parley.message;

import dev.parley.protocol.MessageKind;

/**
 * A message to store. {@code clientId} makes a send idempotent per sender and room; {@code reply} is set for the
 * assistant's messages only.
 */
public record Draft(long roomId, String room, String sender, String clientId, MessageKind kind, String text, Reply reply) {

    /** What an assistant reply carries besides its text: model, turn, usage, and its tool calls as JSON ({@code meta}). */
    public record Reply(String model, String turnId, boolean cached, boolean cancelled, int inputTokens, int outputTokens,
            String meta) {
    }

    public static Draft user(long roomId, String room, String sender, String clientId, String text) {
        return new Draft(roomId, room, sender, clientId, MessageKind.USER, text, null);
    }

    public static Draft system(long roomId, String room, String sender, String text) {
        return new Draft(roomId, room, sender, null, MessageKind.SYSTEM, text, null);
    }

    public static Draft assistant(long roomId, String room, String sender, String text, Reply reply) {
        return new Draft(roomId, room, sender, null, MessageKind.ASSISTANT, text, reply);
    }
}
