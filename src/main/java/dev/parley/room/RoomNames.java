package dev.parley.room;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import java.util.regex.Pattern;

/** SPEC's room-name rule (usernames: {@code auth.Usernames}). */
public final class RoomNames {
    private static final Pattern ROOM = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,63}$");

    private RoomNames() {
    }

    public static String requireRoom(String name) {
        if (name == null || !ROOM.matcher(name).matches()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "invalid room name: use 1-64 of a-z 0-9 _ -, starting with a letter or digit");
        }
        return name;
    }
}
