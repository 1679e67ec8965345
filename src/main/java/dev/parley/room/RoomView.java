package dev.parley.room;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * A room as REST shows it (SPEC §3). {@code members} is shown to members and admins only. {@code epoch} is new
 * whenever a room is created (again) under a name: it is the room's id.
 */
@RegisterForReflection
public record RoomView(String name, long epoch, String description, List<String> tags, @com.fasterxml.jackson.annotation.JsonProperty("private") boolean isPrivate,
        String assistant, String model, String owner, long lastSeq, int online, List<String> members) {
}
