package dev.parley.room;

import java.util.List;

/** What the chat path needs to know of a room after a join: kept in memory per connection. */
public record RoomRef(long id, String name, boolean isPrivate, String owner, List<String> members) {
}
