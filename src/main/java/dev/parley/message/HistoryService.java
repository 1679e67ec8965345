package dev.parley.message;

import dev.parley.config.ParleyConfig;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ProtocolException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;

/** Reads a room's history: pages for REST, and the snapshot a join or resume is served from. */
@Singleton
public class HistoryService {
    private static final String LAST_SEQ = "SELECT last_seq FROM rooms WHERE id = ?";
    private static final String NEWEST_BETWEEN = """
            SELECT seq, sender, kind, body FROM messages
            WHERE room_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?""";
    private final ParleyConfig config;
    private final DataSource dataSource;

    HistoryService(ParleyConfig config, DataSource dataSource) {
        this.config = config;
        this.dataSource = dataSource;
    }

    /** A page of history, ascending by seq; {@code hasMore} tells whether more lie further in the paging direction. */
    public record Page(List<MessageView> messages, boolean hasMore) {
    }

    /** What a join sends: the messages, the room's last seq when they were read, and whether the resume was whole. */
    public record Snapshot(List<MessageView> messages, long lastSeq, boolean recovered) {
    }

    /**
     * The join snapshot for a client that holds messages up to {@code since} of room epoch {@code epoch} (either
     * may be null). {@code lastSeq} is read first and every message up to it is committed (seq is bumped in
     * the insert transaction), so live messages above it are exactly those the caller must still receive.
     */
    public Snapshot snapshot(long roomId, String room, Long since, Long epoch) {
        // the room's epoch is its id, new whenever a room is created (again) under a name: a seq of another epoch
        // means nothing here, so the client gets the newest page as on a first join
        Long resumeFrom = epoch != null && epoch != roomId ? null : since;
        return snapshot(roomId, room, resumeFrom);
    }

    /**
     * The room's last seq is read on plain JDBC; a join that has nothing to read (a resume that missed nothing, an
     * empty room) ends there, without a transaction. Otherwise the messages up to that seq are read.
     */
    private Snapshot snapshot(long roomId, String room, Long since) {
        long last = lastSeq(roomId, room);
        if (since != null && since >= last) {
            return new Snapshot(List.of(), last, true);
        }
        if (since == null && last == 0) {
            return new Snapshot(List.of(), 0, false);
        }
        int max = config.history().resumeMaxMessages();
        return QuarkusTransaction.requiringNew().call(() -> {
            if (since == null) {
                return new Snapshot(newest(roomId, room, last, config.history().joinPage()), last, false);
            }
            if (last - since <= max) {
                return new Snapshot(range(roomId, room, since, last, max), last, true);
            }
            return new Snapshot(newest(roomId, room, last, max), last, false);
        });
    }

    private long lastSeq(long roomId, String room) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(LAST_SEQ)) {
            query.setLong(1, roomId);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    throw new ProtocolException(ErrorCode.NOT_FOUND, "no such room: " + room);
                }
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new PersistenceException("reading room " + room + " failed", e);
        }
    }

    /** A message as a conversation needs it: who said what, and its seq. */
    public record Line(long seq, String sender, MessageKind kind, String text) {
    }

    /**
     * At most {@code limit} messages of a room with {@code above < seq < below}, newest first, on plain JDBC (the
     * assistant's context, read for every turn).
     */
    public List<Line> newestBetween(long roomId, long above, long below, int limit) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(NEWEST_BETWEEN)) {
            query.setLong(1, roomId);
            query.setLong(2, above);
            query.setLong(3, below);
            query.setInt(4, limit);
            try (ResultSet rows = query.executeQuery()) {
                List<Line> lines = new ArrayList<>();
                while (rows.next()) {
                    lines.add(new Line(rows.getLong(1), rows.getString(2), MessageKind.of(rows.getString(3)), rows.getString(4)));
                }
                return lines;
            }
        } catch (SQLException e) {
            throw new PersistenceException("reading the history of room " + roomId + " failed", e);
        }
    }

    /** At most {@code limit} messages of a room above seq {@code after}, ascending, in a transaction of their own (gap filling). */
    public List<MessageView> after(long roomId, String room, long after, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> query(roomId, room, "m.seq > :a order by m.seq asc", after, limit));
    }

    /** SPEC §3 paging: newest {@code limit}, or just below {@code before}, or just above {@code after}. */
    public Page page(long roomId, String room, Long before, Long after, Long limit) {
        int max = config.history().maxPage();
        long requested = limit == null ? 50 : limit;
        if (requested < 1 || requested > max) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "limit must be between 1 and " + max);
        }
        int size = (int) requested;
        if (before != null && after != null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "give before or after, not both");
        }
        if ((before != null && before < 0) || (after != null && after < 0)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "before and after must be non-negative");
        }
        return QuarkusTransaction.joiningExisting().call(() -> {
            if (after != null) {
                List<MessageView> found = query(roomId, room, "m.seq > :a order by m.seq asc", after, size + 1);
                boolean more = found.size() > size;
                return new Page(more ? found.subList(0, size) : found, more);
            }
            long upper = before == null ? Long.MAX_VALUE : before;
            List<MessageView> found = query(roomId, room, "m.seq < :a order by m.seq desc", upper, size + 1);
            boolean more = found.size() > size;
            List<MessageView> page = new ArrayList<>(more ? found.subList(0, size) : found);
            Collections.reverse(page);
            return new Page(page, more);
        });
    }

    private List<MessageView> newest(long roomId, String room, long last, int count) {
        List<MessageView> found = query(roomId, room, "m.seq <= :a order by m.seq desc", last, count);
        List<MessageView> asc = new ArrayList<>(found);
        Collections.reverse(asc);
        return asc;
    }

    private List<MessageView> range(long roomId, String room, long since, long last, int max) {
        return Message.getEntityManager()
                .createQuery("select m from Message m where m.roomId = :r and m.seq > :s and m.seq <= :l order by m.seq asc", Message.class)
                .setParameter("r", roomId).setParameter("s", since).setParameter("l", last)
                .setMaxResults(max).getResultList().stream().map(m -> Messages.view(m, room)).toList();
    }

    private List<MessageView> query(long roomId, String room, String where, long bound, int limit) {
        return Message.getEntityManager()
                .createQuery("select m from Message m where m.roomId = :r and " + where, Message.class)
                .setParameter("r", roomId).setParameter("a", bound)
                .setMaxResults(limit).getResultList().stream().map(m -> Messages.view(m, room)).toList();
    }
}
