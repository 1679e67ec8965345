package dev.parley.presence;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is online in which room: a user is online while at least one of their connections has joined the room,
 * so two tabs count once. Counts are per room, changed atomically inside the room's entry; a room's entry goes
 * when its last user does, so rooms nobody is in cost nothing. No global lock.
 */
@Singleton
public class PresenceTracker {
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Integer>> rooms = new ConcurrentHashMap<>();

    /** Counts one more connection of {@code user} in {@code room}; true when the user just came online there. */
    public boolean connect(String room, String user) {
        boolean[] cameOnline = {false};
        rooms.compute(room, (r, users) -> {
            ConcurrentHashMap<String, Integer> u = users == null ? new ConcurrentHashMap<>() : users;
            cameOnline[0] = u.merge(user, 1, Integer::sum) == 1;
            return u;
        });
        return cameOnline[0];
    }

    /** Counts one connection less; true when the user just went offline there. */
    public boolean disconnect(String room, String user) {
        boolean[] wentOffline = {false};
        rooms.computeIfPresent(room, (r, users) -> {
            users.computeIfPresent(user, (u, n) -> {
                wentOffline[0] = n == 1;
                return n == 1 ? null : n - 1;
            });
            return users.isEmpty() ? null : users;
        });
        return wentOffline[0];
    }

    public boolean isOnline(String room, String user) {
        ConcurrentHashMap<String, Integer> users = rooms.get(room);
        return users != null && users.containsKey(user);
    }

    public List<String> online(String room) {
        ConcurrentHashMap<String, Integer> users = rooms.get(room);
        return users == null ? List.of() : List.copyOf(users.keySet());
    }

    public int onlineCount(String room) {
        ConcurrentHashMap<String, Integer> users = rooms.get(room);
        return users == null ? 0 : users.size();
    }

    /** Rooms with someone online (tests: empty rooms are not kept). */
    public int rooms() {
        return rooms.size();
    }
}
