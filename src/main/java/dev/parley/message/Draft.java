package dev.parley.message;

/**
 * A message to store. {@code clientId} makes a send idempotent per sender and room. The assistant fields are
 * null for people's and system messages.
 */
public record Draft(long roomId, String room, String sender, String clientId, String kind, String text,
        String model, String turnId, Boolean cached, Boolean cancelled, Integer inputTokens, Integer outputTokens,
        String meta) {

    public static Draft user(long roomId, String room, String sender, String clientId, String text) {
        return new Draft(roomId, room, sender, clientId, "user", text, null, null, null, null, null, null, null);
    }

    public static Draft system(long roomId, String room, String sender, String text) {
        return new Draft(roomId, room, sender, null, "system", text, null, null, null, null, null, null, null);
    }
}
