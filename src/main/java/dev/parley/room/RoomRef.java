package dev.parley.room;

/**
 * What the chat path needs to know of a room after a join: kept in memory per connection, so it holds no member list
 * (that would cost every connection memory in proportion to its room's size).
 */
public record RoomRef(long id, String name, boolean isPrivate, String owner) {
}
