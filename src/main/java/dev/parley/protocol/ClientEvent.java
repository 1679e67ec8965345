package dev.parley.protocol;

/** Frames a client sends (SPEC §2, client → server). Decoded by {@link ClientEvents}. */
public sealed interface ClientEvent {

    /** The frame's {@code type} on the wire. */
    String type();

    /** The room the frame is about, or null. */
    default String room() {
        return null;
    }

    /** {@code since}: the last seq the client holds; {@code epoch}: the room epoch that seq belongs to (both optional). */
    record JoinRoom(String room, Long since, Long epoch) implements ClientEvent {
        public String type() { return "join_room"; }
    }

    record LeaveRoom(String room) implements ClientEvent {
        public String type() { return "leave_room"; }
    }

    record SendMessage(String room, String clientId, String text) implements ClientEvent {
        public String type() { return "send_message"; }
    }

    record Typing(String room, boolean typing) implements ClientEvent {
        public String type() { return "typing"; }
    }

    record CancelTurn(String room, String turnId) implements ClientEvent {
        public String type() { return "cancel_turn"; }
    }

    record Ping() implements ClientEvent {
        public String type() { return "ping"; }
    }
}
