package dev.parley.room;

import dev.parley.auth.Caller;
import dev.parley.auth.User;
import dev.parley.auth.Usernames;
import dev.parley.cluster.ClusterBus;
import dev.parley.cluster.Topic;
import dev.parley.concurrent.Mailbox;
import dev.parley.presence.PresenceTracker;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.event.Event;
import jakarta.inject.Singleton;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/** Rooms: creation, visibility, metadata, membership. Private rooms answer as absent to anyone who may not see them. */
@Singleton
public class RoomService {
    private static final Logger LOG = Logger.getLogger(RoomService.class);
    private final PresenceTracker presence;
    private final Event<RoomDeleted> deleted;
    private final Event<RoomChanged> changed;

    private final ClusterBus bus;
    private final DataSource dataSource;
    /** Applies other nodes' room changes one at a time, in their order, off the bus's event loop (observers read the database). */
    private final Mailbox fromPeers = new Mailbox(Executors.newVirtualThreadPerTaskExecutor(),
            t -> LOG.error("applying another node's room change failed", t));

    RoomService(PresenceTracker presence, Event<RoomDeleted> deleted, Event<RoomChanged> changed, ClusterBus bus,
            DataSource dataSource) {
        this.presence = presence;
        this.dataSource = dataSource;
        this.deleted = deleted;
        this.changed = changed;
        this.bus = bus;
        if (bus.enabled()) {
            bus.on(Topic.ROOM, (node, body) -> fromPeers.submit(() -> {
                String name = body.substring(1);
                if (body.charAt(0) == 'd') {
                    deleted.fire(new RoomDeleted(name));
                }
                changed.fire(new RoomChanged(name));
            }));
        }
    }

    /**
     * Fired after a room's settings (mode, model, privacy, members…) changed, here or on another node, so caches can
     * forget them and removed members leave.
     */
    public record RoomChanged(String name) {
    }

    /** Fired after a room is deleted, here or on another node, so live subscribers can be told. */
    public record RoomDeleted(String name) {
    }

    /** Tells this node's observers, then the other nodes, that a room changed (or was deleted). */
    private void announce(String name, boolean wasDeleted) {
        if (wasDeleted) {
            deleted.fire(new RoomDeleted(name));
        }
        changed.fire(new RoomChanged(name));
        bus.publish(Topic.ROOM, (wasDeleted ? "d" : "c") + name);
    }

    /** Fields of a create or update; null means "not given". */
    public record RoomSpec(String name, String description, List<String> tags, Boolean isPrivate, String assistant,
            String model, List<String> members) {
    }

    public static boolean canSee(Room room, Caller caller) {
        return !room.isPrivate || caller.admin() || room.hasMember(caller.username());
    }

    /**
     * Who may see the room now, for connections already in it: tested once per connection after a change (a member
     * removed, a room made private). Empty when the room no longer exists.
     */
    public Optional<Predicate<Caller>> audience(String name) {
        return QuarkusTransaction.requiringNew().call(() -> Room.findByName(name).map(room -> {
            boolean isPrivate = room.isPrivate;
            Set<String> members = Set.copyOf(room.members());
            return (Predicate<Caller>) c -> !isPrivate || c.admin() || members.contains(c.username());
        }));
    }

    public static boolean canManage(Room room, Caller caller) {
        return caller.admin() || room.owner.equals(caller.username());
    }

    /** The room, or {@code not_found} when it does not exist or the caller may not see it. Call inside a transaction. */
    public Room visible(String name, Caller caller) {
        Room room = Room.findByName(RoomNames.requireRoom(name)).orElse(null);
        if (room == null || !canSee(room, caller)) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no such room: " + name);
        }
        return room;
    }

    /** A join's answer: the room, and its members in the order they joined (for {@code joined}; not kept). */
    public record Entry(RoomRef room, List<String> members) {
    }

    private static final String FIND_ROOM = "SELECT id, is_private, owner FROM rooms WHERE name = ?";
    private static final String MEMBERS = "SELECT username FROM room_members WHERE room_id = ? ORDER BY joined_at, username";
    private static final String ADD_MEMBER = "INSERT INTO room_members (room_id, username, joined_at) VALUES (?, ?, ?)";

    /**
     * Joins a room for the chat path: creates it (public, owned by the caller) when it does not exist, records the
     * caller as a member of a public room, refuses a private room the caller is not in with {@code not_found}.
     *
     * <p>An existing room is read and the membership written on plain JDBC: two reads, and one insert only for a
     * first join. Hibernate would load every membership as an entity and check each one at the flush, for every join
     * (a reconnect storm into a big room would cost the square of its size).
     */
    public Entry joinOrCreate(String name, Caller caller) {
        RoomNames.requireRoom(name);
        for (int attempt = 1; ; attempt++) {
            try {
                Entry existing = joinExisting(name, caller);
                return existing != null ? existing : QuarkusTransaction.requiringNew().call(() -> createTx(name, caller));
            } catch (RuntimeException e) {
                // another connection created the room or recorded the same membership at the same moment (two tabs
                // of one user joining for the first time): it exists now, so the next attempt finds it. Or that other
                // creation was not committed within the database's lock timeout (a storm of joins into a new room on
                // a busy server): it is committed or rolled back by the next attempt, which finds the room or makes it
                if (attempt >= 5 || !(isUniqueViolation(e) || isLockTimeout(e))) {
                    throw e;
                }
            }
        }
    }

    /** Joins a room that exists, or answers null when there is none of that name. */
    private Entry joinExisting(String name, Caller caller) {
        try (Connection connection = dataSource.getConnection()) {
            RoomRef room;
            try (PreparedStatement find = connection.prepareStatement(FIND_ROOM)) {
                find.setString(1, name);
                try (ResultSet row = find.executeQuery()) {
                    if (!row.next()) {
                        return null;
                    }
                    room = new RoomRef(row.getLong(1), name, row.getBoolean(2), row.getString(3));
                }
            }
            List<String> members = members(connection, room.id());
            String user = caller.username();
            if (!members.contains(user)) {
                if (room.isPrivate()) {
                    if (!caller.admin()) {
                        throw new ProtocolException(ErrorCode.NOT_FOUND, "no such room: " + name);
                    }
                } else {
                    // one statement, committed on its own (the connection is in auto-commit)
                    try (PreparedStatement add = connection.prepareStatement(ADD_MEMBER)) {
                        add.setLong(1, room.id());
                        add.setString(2, user);
                        add.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
                        add.executeUpdate();
                    }
                    members.add(user);
                }
            }
            return new Entry(room, members);
        } catch (SQLException e) {
            throw new PersistenceException("joining room " + name + " failed", e);
        }
    }

    /** What a room says of itself when an assistant turn starts: read on plain JDBC, not kept. */
    public record Facts(String name, String description, boolean isPrivate, List<String> members, long clearedSeq) {
    }

    private static final String FACTS = "SELECT name, description, is_private, cleared_seq FROM rooms WHERE id = ?";

    /** The room's facts now (two reads, no transaction), or empty when it was deleted. */
    public Optional<Facts> facts(long roomId) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement find = connection.prepareStatement(FACTS)) {
            find.setLong(1, roomId);
            try (ResultSet row = find.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Facts(row.getString(1), row.getString(2), row.getBoolean(3),
                        members(connection, roomId), row.getLong(4)));
            }
        } catch (SQLException e) {
            throw new PersistenceException("reading room " + roomId + " failed", e);
        }
    }

    private static List<String> members(Connection connection, long roomId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(MEMBERS)) {
            query.setLong(1, roomId);
            try (ResultSet rows = query.executeQuery()) {
                List<String> members = new ArrayList<>();
                while (rows.next()) {
                    members.add(rows.getString(1));
                }
                return members;
            }
        }
    }

    /** True when a unique constraint refused the write (SQLState class 23), wherever it sits in the causes. */
    static boolean isUniqueViolation(Throwable e) {
        return anyCause(e, t -> t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")
                || t instanceof org.hibernate.exception.ConstraintViolationException);
    }

    /**
     * True when the write waited too long for a row another transaction holds (H2's lock timeout, SQLState
     * {@code HYT00}; PostgreSQL's {@code lock_not_available}, {@code 55P03}, when a lock timeout is set), wherever it
     * sits in the causes.
     */
    static boolean isLockTimeout(Throwable e) {
        return anyCause(e, t -> t instanceof java.sql.SQLException sql && ("HYT00".equals(sql.getSQLState()) || "55P03".equals(sql.getSQLState()))
                || t instanceof org.hibernate.exception.LockTimeoutException || t instanceof jakarta.persistence.LockTimeoutException);
    }

    private static boolean anyCause(Throwable e, java.util.function.Predicate<Throwable> test) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }

    /** Creates the room with the caller as its owner and first member. */
    private Entry createTx(String name, Caller caller) {
        Room room = newRoom(name, caller.username());
        room.addMember(caller.username());
        room.persistAndFlush();
        return new Entry(ref(room), room.members());
    }

    public static RoomRef ref(Room room) {
        return new RoomRef(room.id, room.name, room.isPrivate, room.owner);
    }

    /** Default and largest page of {@link #list(Caller, String, int)} (SPEC §3). */
    public static final int DEFAULT_LIST_PAGE = 200;
    public static final int MAX_LIST_PAGE = 1000;

    /** The first {@value #MAX_LIST_PAGE} rooms the caller may see, by name. */
    public List<RoomView> list(Caller caller) {
        return list(caller, null, MAX_LIST_PAGE);
    }

    /**
     * One page of the rooms the caller may see (SPEC §3): by name, the first {@code limit} after {@code after}. Read
     * as plain columns, so no room's memberships are loaded; {@code members} is filled (one query for the page) for
     * the private rooms on it only, whose callers here are members or admins.
     */
    public List<RoomView> list(Caller caller, String after, int limit) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            String visible = caller.admin() ? ""
                    : " and (r.isPrivate = false or exists (select 1 from Membership m where m.room = r and m.username = :user))";
            var query = Room.getEntityManager().createQuery("select r.id, r.name, r.description, r.tags, r.isPrivate,"
                    + " r.assistantMode, r.model, r.owner, r.lastSeq from Room r where r.name > :after" + visible
                    + " order by r.name", Object[].class)
                    .setParameter("after", after == null ? "" : after)
                    .setMaxResults(limit);
            if (!caller.admin()) {
                query.setParameter("user", caller.username());
            }
            List<Object[]> rows = query.getResultList();
            Map<Long, List<String>> members = privateMembers(rows.stream().filter(r -> (Boolean) r[4]).map(r -> (Long) r[0]).toList());
            List<RoomView> views = new ArrayList<>(rows.size());
            for (Object[] r : rows) {
                String name = (String) r[1];
                views.add(new RoomView(name, (Long) r[0], (String) r[2], tagList((String) r[3]), (Boolean) r[4], (String) r[5],
                        (String) r[6], (String) r[7], (Long) r[8], presence.onlineCount(name), members.get((Long) r[0])));
            }
            return views;
        });
    }

    /** The members of these rooms, each list in the order they joined. */
    private static Map<Long, List<String>> privateMembers(List<Long> roomIds) {
        Map<Long, List<String>> members = new HashMap<>();
        if (roomIds.isEmpty()) {
            return members;
        }
        List<Object[]> rows = Room.getEntityManager().createQuery("select m.room.id, m.username from Membership m"
                + " where m.room.id in :ids order by m.joinedAt, m.username", Object[].class)
                .setParameter("ids", roomIds).getResultList();
        for (Object[] row : rows) {
            members.computeIfAbsent((Long) row[0], id -> new ArrayList<>()).add((String) row[1]);
        }
        return members;
    }

    private static List<String> tagList(String tags) {
        return tags == null || tags.isBlank() ? List.of() : List.of(tags.split(","));
    }

    public RoomView get(String name, Caller caller) {
        return QuarkusTransaction.joiningExisting().call(() -> view(visible(name, caller), caller));
    }

    public RoomView create(RoomSpec spec, Caller caller) {
        String name = RoomNames.requireRoom(spec.name());
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                if (Room.findByName(name).isPresent()) {
                    throw new ProtocolException(ErrorCode.CONFLICT, "room already exists: " + name);
                }
                Room room = newRoom(name, caller.username());
                apply(room, spec);
                room.addMember(caller.username());
                room.persistAndFlush();
                return view(room, caller);
            });
        } catch (PersistenceException e) {
            throw new ProtocolException(ErrorCode.CONFLICT, "room already exists: " + name);
        }
    }

    public RoomView update(String name, RoomSpec spec, Caller caller) {
        RoomView updated = QuarkusTransaction.requiringNew().call(() -> {
            Room room = visible(name, caller);
            if (!canManage(room, caller)) {
                throw new ProtocolException(ErrorCode.FORBIDDEN, "only the room's owner or an admin may change it");
            }
            apply(room, spec);
            room.addMember(room.owner);
            return view(room, caller);
        });
        announce(name, false);
        return updated;
    }

    public void delete(String name, Caller caller) {
        QuarkusTransaction.requiringNew().run(() -> {
            Room room = visible(name, caller);
            if (!canManage(room, caller)) {
                throw new ProtocolException(ErrorCode.FORBIDDEN, "only the room's owner or an admin may delete it");
            }
            room.delete();
        });
        announce(name, true);
    }

    /** Sets the room's model (the {@code /model} command). */
    public void setModel(long roomId, String room, String model) {
        QuarkusTransaction.requiringNew().run(() -> Room.update("model = ?1 where id = ?2", model, roomId));
        announce(room, false);
    }

    RoomView view(Room room, Caller caller) {
        boolean insider = caller.admin() || room.hasMember(caller.username());
        return new RoomView(room.name, room.id, room.description, room.tagList(), room.isPrivate, room.assistantMode,
                room.model, room.owner, room.lastSeq, presence.onlineCount(room.name),
                insider ? room.members() : null);
    }

    private static Room newRoom(String name, String owner) {
        Room room = new Room();
        room.name = name;
        room.owner = owner;
        room.isPrivate = false;
        room.assistantMode = AssistantMode.MENTION.wire();
        room.createdAt = Instant.now();
        return room;
    }

    private static void apply(Room room, RoomSpec spec) {
        if (spec.description() != null) {
            requireLength("description", spec.description(), 2000);
            requireNoNul("description", spec.description());
            room.description = spec.description();
        }
        if (spec.tags() != null) {
            Set<String> tags = new LinkedHashSet<>();
            for (String tag : spec.tags()) {
                if (tag == null || tag.isBlank() || tag.contains(",") || tag.length() > 64) {
                    throw new ProtocolException(ErrorCode.BAD_REQUEST, "tags must be non-empty, at most 64 characters, without commas");
                }
                requireNoNul("tags", tag);
                tags.add(tag.trim());
            }
            room.tags = String.join(",", tags);
            requireLength("tags", room.tags, 2000);
        }
        if (spec.isPrivate() != null) {
            room.isPrivate = spec.isPrivate();
        }
        if (spec.assistant() != null) {
            try {
                room.assistantMode = AssistantMode.parse(spec.assistant()).wire();
            } catch (IllegalArgumentException e) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
            }
        }
        if (spec.model() != null) {
            requireLength("model", spec.model(), 200);
            requireNoNul("model", spec.model());
            if (spec.model().codePoints().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c)
                    || Character.getType(c) == Character.FORMAT)) {
                // a model id is logged and sent to providers: no line breaks, controls or invisible characters
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "model must not contain spaces, control or invisible characters");
            }
            room.model = spec.model().isBlank() ? null : spec.model();
        }
        if (spec.members() != null) {
            Collection<String> members = spec.members().stream().filter(Objects::nonNull).distinct().toList();
            for (String m : members) {
                if (!Usernames.isValid(m)) {
                    throw new ProtocolException(ErrorCode.BAD_REQUEST, "invalid member username: " + m);
                }
            }
            // a mistyped name must not grant the room to whoever registers that name later
            Set<String> known = members.isEmpty() ? Set.of()
                    : Set.copyOf(User.<User>list("username in ?1", members).stream().map(u -> u.username).toList());
            List<String> unknown = members.stream().filter(m -> !known.contains(m)).toList();
            if (!unknown.isEmpty()) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "no such user: " + String.join(", ", unknown));
            }
            // the owner always stays a member (removing and re-adding them in one flush would collide)
            room.replaceMembers(Stream.concat(Stream.of(room.owner), members.stream()).toList());
        }
    }

    /**
     * Text is kept verbatim (bidi and zero-width characters included: clients render it safely), except NUL, which
     * PostgreSQL cannot store in text: refused here as a clear {@code bad_request} rather than failing in the database.
     */
    private static void requireNoNul(String field, String value) {
        if (value.indexOf('\u0000') >= 0) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, field + " must not contain NUL characters");
        }
    }

    private static void requireLength(String field, String value, int max) {
        if (value.length() > max) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, field + " is longer than " + max + " characters");
        }
    }
}
