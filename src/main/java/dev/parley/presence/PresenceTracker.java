package dev.parley.presence;

import dev.parley.cluster.ClusterBus;
import dev.parley.cluster.ClusterConfig;
import io.vertx.core.Vertx;
import dev.parley.cluster.ClusterListener;
import dev.parley.cluster.Topic;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Who is online in which room: a user is online while at least one of their connections, on any node, has joined
 * the room, so two tabs count once. This node counts its own connections; of the other nodes it keeps which ones
 * have the user online (SPEC §5), from their changes on the bus, their whole state when they (re)join, and it
 * forgets a node that is gone. A room's entry changes atomically inside the map's {@code compute} for it and goes
 * when its last user does, so rooms nobody is in cost nothing. No global lock.
 *
 * <p>With several nodes, a user who is no longer connected anywhere is announced offline only after {@code grace}
 * (and only if they did not come back meanwhile, on any node): a reconnect to another node after a rolling restart,
 * or a second tab on another node whose news is still on the bus, does not show the user leaving and coming back.
 * A node that hears no other announces it at once.
 */
@Singleton
public class PresenceTracker implements ClusterListener {
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final Consumer<String> publish;
    private final Consumer<Changed> changed;
    private final Timers timers;
    private final LongSupplier graceMillis;

    /** Runs a task after a delay (Vert.x timers in the server). */
    @FunctionalInterface
    public interface Timers {
        void after(long millis, Runnable task);
    }

    /**
     * A user came online or went offline in a room because of another node, or went offline after the grace (this
     * node's members are told).
     */
    public record Changed(String room, String user, boolean online) {
    }

    /**
     * One room: this node's connections per user, the other nodes that have the user online, and the users
     * connected nowhere whose offline is not announced yet (the object marks one leave, for its timer).
     */
    private static final class Room {
        final ConcurrentHashMap<String, Integer> local = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Set<String>> remote = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Object> leaving = new ConcurrentHashMap<>();

        boolean empty() {
            return local.isEmpty() && remote.isEmpty() && leaving.isEmpty();
        }

        boolean online(String user) {
            return local.containsKey(user) || remote.containsKey(user) || leaving.containsKey(user);
        }

        boolean connected(String user) {
            return local.containsKey(user) || remote.containsKey(user);
        }
    }

    @Inject
    PresenceTracker(ClusterBus bus, ClusterConfig cluster, Event<Changed> changed, Vertx vertx) {
        this(body -> bus.publish(Topic.PRESENCE, body), changed::fire, (ms, task) -> vertx.setTimer(ms, id -> task.run()),
                () -> bus.enabled() && bus.peers() > 0 ? cluster.presenceGrace().toMillis() : 0);
        if (bus.enabled()) {
            bus.on(Topic.PRESENCE, this::fromPeer);
            bus.listen(this);
        }
    }

    /**
     * A tracker that publishes its changes with {@code publish}, reports other nodes' and delayed ones to
     * {@code changed}, and announces offline {@code graceMillis} after the user is connected nowhere (zero: at once;
     * the server's is zero while no other node is heard).
     */
    PresenceTracker(Consumer<String> publish, Consumer<Changed> changed, Timers timers, LongSupplier graceMillis) {
        this.publish = publish;
        this.changed = changed;
        this.timers = timers;
        this.graceMillis = graceMillis;
    }

    /** Counts one more connection of {@code user} in {@code room}; true when the user just came online there. */
    public boolean connect(String room, String user) {
        boolean[] first = {false};
        boolean[] cameOnline = {false};
        rooms.compute(room, (r, entry) -> {
            Room e = entry == null ? new Room() : entry;
            first[0] = e.local.merge(user, 1, Integer::sum) == 1;
            // back before the grace ran out: never announced offline, so not online again either
            cameOnline[0] = first[0] && !e.remote.containsKey(user) && e.leaving.remove(user) == null;
            return e;
        });
        if (first[0]) {
            publish.accept("+" + room + '\t' + user);
        }
        return cameOnline[0];
    }

    /**
     * Counts one connection less; true when the user just went offline there, on every node, and is to be announced
     * now. With a grace it is announced later through {@link Changed}, if the user stays away.
     */
    public boolean disconnect(String room, String user) {
        boolean[] last = {false};
        boolean[] wentOffline = {false};
        rooms.computeIfPresent(room, (r, e) -> {
            e.local.computeIfPresent(user, (u, n) -> {
                last[0] = n == 1;
                return n == 1 ? null : n - 1;
            });
            wentOffline[0] = last[0] && !e.remote.containsKey(user) && !leave(room, e, user);
            return e.empty() ? null : e;
        });
        if (last[0]) {
            publish.accept("-" + room + '\t' + user);
        }
        return wentOffline[0];
    }

    /** True when this node has no connection of the user in the room (another node may have). */
    public boolean absentHere(String room, String user) {
        Room e = rooms.get(room);
        return e == null || !e.local.containsKey(user);
    }

    /**
     * Inside the room's compute: the user is connected nowhere. With a grace, marks the leave and asks for the
     * announcement later; returns whether it did.
     */
    private boolean leave(String room, Room e, String user) {
        long grace = graceMillis.getAsLong();
        if (grace <= 0) {
            return false;
        }
        Object mark = new Object();
        e.leaving.put(user, mark);
        timers.after(grace, () -> graceOver(room, user, mark));
        return true;
    }

    private void graceOver(String room, String user, Object mark) {
        boolean[] gone = {false};
        rooms.computeIfPresent(room, (r, e) -> {
            if (e.leaving.get(user) == mark && !e.connected(user)) {
                e.leaving.remove(user);
                gone[0] = true;
            }
            return e.empty() ? null : e;
        });
        if (gone[0]) {
            changed.accept(new Changed(room, user, false));
        }
    }

    public boolean isOnline(String room, String user) {
        Room e = rooms.get(room);
        return e != null && e.online(user);
    }

    public List<String> online(String room) {
        Room e = rooms.get(room);
        if (e == null) {
            return List.of();
        }
        Set<String> users = new LinkedHashSet<>(e.local.keySet());
        users.addAll(e.remote.keySet());
        return List.copyOf(users);
    }

    public int onlineCount(String room) {
        return online(room).size();
    }

    /** Rooms with someone online (tests: empty rooms are not kept). */
    public int rooms() {
        return rooms.size();
    }

    // ---- other nodes (on the bus's event loop) ----

    /** {@code +room\tuser}, {@code -room\tuser}, or {@code =} and the node's whole state, one {@code room\tuser} per line. */
    void fromPeer(String node, String body) {
        char op = body.charAt(0);
        if (op == '=') {
            replace(node, body.substring(1));
            return;
        }
        int tab = body.indexOf('\t');
        remote(node, body.substring(1, tab), body.substring(tab + 1), op == '+');
    }

    private void remote(String node, String room, String user, boolean online) {
        boolean[] transition = {false};
        if (online) {
            rooms.compute(room, (r, entry) -> {
                Room e = entry == null ? new Room() : entry;
                Set<String> before = e.remote.get(user);
                if (before == null || !before.contains(node)) {
                    Set<String> after = before == null ? new HashSet<>() : new HashSet<>(before);
                    after.add(node);
                    e.remote.put(user, Set.copyOf(after));
                    transition[0] = before == null && !e.local.containsKey(user) && e.leaving.remove(user) == null;
                }
                return e;
            });
        } else {
            rooms.computeIfPresent(room, (r, e) -> {
                Set<String> before = e.remote.get(user);
                if (before != null && before.contains(node)) {
                    Set<String> after = new HashSet<>(before);
                    after.remove(node);
                    if (after.isEmpty()) {
                        e.remote.remove(user);
                        transition[0] = !e.local.containsKey(user) && !leave(room, e, user);
                    } else {
                        e.remote.put(user, Set.copyOf(after));
                    }
                }
                return e.empty() ? null : e;
            });
        }
        if (transition[0]) {
            changed.accept(new Changed(room, user, online));
        }
    }

    /** A node's whole state: what it no longer has goes offline, what it has comes online. */
    private void replace(String node, String state) {
        Map<String, Set<String>> now = new HashMap<>();
        for (String line : state.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                now.computeIfAbsent(line.substring(0, tab), r -> new HashSet<>()).add(line.substring(tab + 1));
            }
        }
        forget(node, now);
        now.forEach((room, users) -> users.forEach(user -> remote(node, room, user, true)));
    }

    /** Takes {@code node} out of every room and user, except those in {@code keep}. */
    private void forget(String node, Map<String, Set<String>> keep) {
        List<String[]> gone = new ArrayList<>();
        rooms.forEach((room, e) -> e.remote.forEach((user, nodes) -> {
            if (nodes.contains(node) && !keep.getOrDefault(room, Set.of()).contains(user)) {
                gone.add(new String[] {room, user});
            }
        }));
        for (String[] g : gone) {
            remote(node, g[0], g[1], false);
        }
    }

    @Override
    public void stateWanted() {
        StringBuilder state = new StringBuilder("=");
        rooms.forEach((room, e) -> e.local.keySet().forEach(user -> state.append(room).append('\t').append(user).append('\n')));
        publish.accept(state.toString());
    }

    @Override
    public void nodeGone(String node) {
        forget(node, Map.of());
    }
}
