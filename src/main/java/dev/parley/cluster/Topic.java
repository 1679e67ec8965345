package dev.parley.cluster;

/** What a bus message is about; each topic has one handler on every node. */
public enum Topic {
    /** A committed message: {@code {"roomId":…,"message":{…}}}. */
    MESSAGE('m'),
    /** A frame outside the message sequence for a room's members (typing). */
    FRAME('f'),
    /** A user came online or went offline in a room on the sending node, or the node's whole presence. */
    PRESENCE('p'),
    /** An assistant turn's start, text, end or error, and cancel requests. */
    TURN('t'),
    /** A room changed (members, privacy, settings) or was deleted. */
    ROOM('r'),
    /** Node liveness: heartbeat, hello, goodbye, lost traffic; handled by the bus itself. */
    NODE('n');

    final char code;

    Topic(char code) {
        this.code = code;
    }

    static Topic of(char code) {
        for (Topic t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
