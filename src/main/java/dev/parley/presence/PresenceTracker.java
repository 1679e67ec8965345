package dev.parley.presence;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is online in which room: a user is online while at least one of their connections has joined the room,
 * so two tabs count once. Counts are per room; no global lock.
 */
@Singleton
public class PresenceTracker {
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Integer>> rooms = new ConcurrentHashMap<>();

    /** Counts one more connection of {@code user} in {@code room}; true when the user just came online there. */
    public boolean connect(String room, String user) {
        boolean[] cameOnline = {false};
        rooms.computeIfAbsent(room, r -> new ConcurrentHashMap<>()).compute(user, (u, n) -> {
            cameOnline[0] = n == null;
            return n == null ? 1 : n + 1;
        });
        return cameOnline[0];
    }

    /** Counts one connection less; true when the user just went offline there. */
    public boolean disconnect(String room, String user) {
        ConcurrentHashMap<String, Integer> users = rooms.get(room);
        if (users == null) {
            return false;
        }
        boolean[] wentOffline = {false};
        users.computeIfPresent(user, (u, n) -> {
            wentOffline[0] = n == 1;
            return n == 1 ? null : n - 1;
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

    public void forget(String room) {
        rooms.remove(room);
    }
}
