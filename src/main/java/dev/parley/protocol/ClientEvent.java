package dev.parley.protocol;

/** Frames a client sends (SPEC §2, client → server). Decoded by {@link ClientEvents}. */
public sealed interface ClientEvent {

    /** The frame's {@code type} on the wire. */
    String type();

    /** The room the frame is about, or null. */
    default String room() {
        return null;
    }

    record JoinRoom(String room, Long since) implements ClientEvent {
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
