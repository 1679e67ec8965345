package dev.parley.message;

import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGStatement;

/**
 * The rows a message writer touches ({@code messages}, {@code rooms.last_seq}), on plain JDBC. One per writer
 * thread, and only used by it: it keeps the database kind and the writer's current block of message ids.
 *
 * <p>Ids come from {@code messages_seq} in blocks, read the way Hibernate's pooled-lo optimizer reads them (pinned
 * in application.properties): a value V stands for {@code V .. V + Message.ID_BLOCK - 1}. Each value is handed out
 * once by the database, so the ids this writer uses never meet those of another writer, of Hibernate (transcript
 * imports) or of another node.
 *
 * <p>A commit is answered only once it is on the disk ({@link #forceToDisk}): H2 hands its commit to the operating
 * system and does not fsync it, so on H2 each commit is followed by {@code CHECKPOINT SYNC}; PostgreSQL flushes its
 * write-ahead log at commit itself ({@code synchronous_commit}).
 */
final class MessageTable {
    private static final String COLUMNS = """
            SELECT m.id, m.seq, m.client_id, m.sender, m.kind, m.body, m.created_at, m.model, m.turn_id, m.cached,
                   m.cancelled, m.input_tokens, m.output_tokens, m.imported
            """;
    /**
     * PostgreSQL: earlier stores of some (sender, clientId) keys in a room, in one statement (one round trip). Each
     * key is looked up on its own by the unique index {@code (room_id, client_id, sender)}: the {@code LIMIT 1}
     * keeps the planner from folding the look-up into a join, whose order it would choose from the table's
     * statistics. Without fresh statistics (a new room, a table not analyzed yet) it chose a hash join over every
     * message of the room (docs/performance.md, "One room on PostgreSQL").
     */
    static final String STORED_ANY = COLUMNS + """
            FROM UNNEST(?, ?) AS k(client_id, sender)
            CROSS JOIN LATERAL (SELECT * FROM messages x
                                WHERE x.room_id = ? AND x.client_id = k.client_id AND x.sender = k.sender
                                LIMIT 1) m""";
    /**
     * H2: the earlier store of one (sender, clientId) in a room. H2 plans a join of the keys with the messages by its
     * statistics when a connection first prepares it, and keeps that plan; with some statistics it puts the messages
     * first and reads every message of the room for each batch (docs/performance.md, "The durable stall"). Every
     * column of the unique index is bound here, so there is one plan; in process, a look-up per key costs no round
     * trip.
     */
    static final String STORED_ONE = COLUMNS + """
            FROM messages m
            WHERE m.room_id = ? AND m.client_id = ? AND m.sender = ?""";
    private static final String INSERT = """
            INSERT INTO messages (id, room_id, seq, client_id, sender, kind, body, created_at, model, turn_id, cached,
                                  cancelled, input_tokens, output_tokens, meta)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /** What differs between the two databases Parley runs on. */
    private enum Dialect {
        H2("SELECT last_seq FROM FINAL TABLE (UPDATE rooms SET last_seq = last_seq + ? WHERE id = ?)",
                "SELECT NEXT VALUE FOR messages_seq", false, "CHECKPOINT SYNC"),
        POSTGRESQL("UPDATE rooms SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq",
                "SELECT nextval('messages_seq')", true, null);

        /** Adds to a room's last seq and returns the new value in one statement; no row when the room is gone. */
        final String claimSeqs;
        final String nextIdBlock;
        /** Earlier stores are looked up for all keys of a room at once ({@link #STORED_ANY}), else one by one. */
        final boolean storedAtOnce;
        /** Forces what the last commit wrote to the disk (fsync); null where the commit does that itself. */
        final String forceToDisk;

        Dialect(String claimSeqs, String nextIdBlock, boolean storedAtOnce, String forceToDisk) {
            this.claimSeqs = claimSeqs;
            this.nextIdBlock = nextIdBlock;
            this.storedAtOnce = storedAtOnce;
            this.forceToDisk = forceToDisk;
        }

        static Dialect of(Connection connection) throws SQLException {
            String product = connection.getMetaData().getDatabaseProductName();
            return switch (product) {
                case "H2" -> H2;
                case "PostgreSQL" -> POSTGRESQL;
                default -> throw new IllegalStateException("messages cannot be written to " + product);
            };
        }
    }

    private final boolean fsync;
    private Dialect dialect;
    /** The writer's current id block: {@code nextId} up to (excluding) {@code idLimit} are its own. */
    private long nextId;
    private long idLimit;

    /** @param fsync whether a commit is forced to the disk before it returns ({@code parley.writer.fsync}) */
    MessageTable(boolean fsync) {
        this.fsync = fsync;
    }

    /**
     * After a commit on {@code connection}: with {@code fsync} on H2, forces it to the disk, so that what the caller
     * answers afterwards survives a power loss, not only a crash of Parley. Nothing on PostgreSQL, whose commit has
     * done it. A failure means the commit is in the database but may not be on the disk. The force goes through
     * {@code disk}, which orders it with every other force of the file and fails it once one has failed.
     */
    void forceToDisk(Connection connection, DiskFailure disk) throws SQLException {
        if (fsync && dialect(connection).forceToDisk != null) {
            disk.force(() -> {
                try (Statement force = connection.createStatement()) {
                    force.execute(dialect.forceToDisk);
                }
            });
        }
    }

    /**
     * Checks at startup that commits can be forced to the disk on {@code connection}: on H2 that needs a user with
     * admin rights (the database's creator is one). Fails with what to change otherwise.
     */
    void checkFsync(Connection connection) throws SQLException {
        if (!fsync || dialect(connection).forceToDisk == null) {
            return;
        }
        try (Statement force = connection.createStatement()) {
            force.execute(dialect.forceToDisk);
        } catch (SQLException e) {
            throw new IllegalStateException("messages are acked only once on disk, and H2 refused to force its file to the"
                    + " disk (" + e.getMessage() + "): connect as the database's creator or another admin user, or set"
                    + " DATABASE_FSYNC=false to ack once H2 has handed the commit to the operating system", e);
        }
    }

    private Dialect dialect(Connection connection) throws SQLException {
        if (dialect == null) {
            dialect = Dialect.of(connection);
        }
        return dialect;
    }

    /** Starts the statements of one transaction on {@code connection}; close them before it ends. */
    Tx begin(Connection connection) throws SQLException {
        dialect(connection);
        return new Tx(connection);
    }

    /** The statements of one transaction, prepared when first needed and reused for every room of the batch. */
    final class Tx implements AutoCloseable {
        private final Connection connection;
        private PreparedStatement stored;
        private PreparedStatement claimSeqs;
        private PreparedStatement nextIdBlock;
        private PreparedStatement insert;
        private int rows;

        private Tx(Connection connection) {
            this.connection = connection;
        }

        /** The messages of {@code roomId} stored earlier under the (sender, clientId) of any of {@code drafts}, by that key. */
        Map<String, MessageView> stored(long roomId, String room, List<Draft> drafts) throws SQLException {
            Map<String, MessageView> found = new HashMap<>();
            if (stored == null) {
                stored = connection.prepareStatement(dialect.storedAtOnce ? STORED_ANY : STORED_ONE);
                if (dialect == Dialect.POSTGRESQL) {
                    // never a server-side prepared statement, so planned for its values at every execution: a
                    // generic plan made while the table was small can pick the (room_id, seq) index and read the
                    // whole room per key, and without ANALYZE nothing makes PostgreSQL plan it again
                    // (docs/performance.md, "The harness on PostgreSQL after the fix")
                    stored.unwrap(PGStatement.class).setPrepareThreshold(0);
                }
            }
            Map<String, Draft> byKey = new HashMap<>();
            for (Draft d : drafts) {
                byKey.putIfAbsent(key(d.sender(), d.clientId()), d);
            }
            List<Draft> keys = List.copyOf(byKey.values());
            if (dialect.storedAtOnce) {
                stored.setArray(1, connection.createArrayOf("VARCHAR", keys.stream().map(Draft::clientId).toArray()));
                stored.setArray(2, connection.createArrayOf("VARCHAR", keys.stream().map(Draft::sender).toArray()));
                stored.setLong(3, roomId);
                collect(stored, room, found);
            } else {
                for (Draft d : keys) {
                    stored.setLong(1, roomId);
                    stored.setString(2, d.clientId());
                    stored.setString(3, d.sender());
                    collect(stored, room, found);
                }
            }
            return found;
        }

        private static void collect(PreparedStatement query, String room, Map<String, MessageView> found) throws SQLException {
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    Message m = MessageTable.read(rs);
                    found.put(key(m.sender, m.clientId), Messages.view(m, room));
                }
            }
        }

        /**
         * Adds {@code count} to the room's last seq and returns the new value, or -1 when the room is gone. The row
         * lock this takes orders the writers of a room (on every node) until the transaction ends.
         */
        long claimSeqs(long roomId, int count) throws SQLException {
            if (claimSeqs == null) {
                claimSeqs = connection.prepareStatement(dialect.claimSeqs);
            }
            claimSeqs.setLong(1, count);
            claimSeqs.setLong(2, roomId);
            try (ResultSet rs = claimSeqs.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }

        /** A message id of this writer's own. Ids taken in a transaction that rolls back are not used again. */
        long nextId() throws SQLException {
            if (nextId == idLimit) {
                if (nextIdBlock == null) {
                    nextIdBlock = connection.prepareStatement(dialect.nextIdBlock);
                }
                try (ResultSet rs = nextIdBlock.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("messages_seq returned no value");
                    }
                    nextId = rs.getLong(1);
                }
                idLimit = nextId + Message.ID_BLOCK;
            }
            return nextId++;
        }

        /** Queues the insert of a message; {@link #insertQueued()} sends them all. */
        void queueInsert(long id, long roomId, long seq, Draft d, Instant createdAt) throws SQLException {
            if (insert == null) {
                insert = connection.prepareStatement(INSERT);
            }
            Draft.Reply r = d.reply();
            insert.setLong(1, id);
            insert.setLong(2, roomId);
            insert.setLong(3, seq);
            setString(4, d.clientId());
            insert.setString(5, d.sender());
            insert.setString(6, d.kind().wire());
            insert.setString(7, d.text());
            insert.setObject(8, OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC));
            setString(9, r == null ? null : r.model());
            setString(10, r == null ? null : r.turnId());
            if (r == null) {
                insert.setNull(11, Types.BOOLEAN);
                insert.setNull(12, Types.BOOLEAN);
                insert.setNull(13, Types.INTEGER);
                insert.setNull(14, Types.INTEGER);
            } else {
                insert.setBoolean(11, r.cached());
                if (r.cancelled()) {
                    insert.setBoolean(12, true);
                } else {
                    insert.setNull(12, Types.BOOLEAN);
                }
                insert.setInt(13, r.inputTokens());
                insert.setInt(14, r.outputTokens());
            }
            setString(15, r == null ? null : r.meta());
            insert.addBatch();
            rows++;
        }

        /** Sends the queued inserts as one batch. */
        void insertQueued() throws SQLException {
            if (rows > 0) {
                insert.executeBatch();
                rows = 0;
            }
        }

        private void setString(int index, String value) throws SQLException {
            if (value == null) {
                insert.setNull(index, Types.VARCHAR);
            } else {
                insert.setString(index, value);
            }
        }

        @Override
        public void close() throws SQLException {
            SQLException failure = null;
            for (PreparedStatement s : new PreparedStatement[] { stored, claimSeqs, nextIdBlock, insert }) {
                if (s == null) {
                    continue;
                }
                try {
                    s.close();
                } catch (SQLException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** The idempotency key of a message in its room: sender and clientId. */
    static String key(String sender, String clientId) {
        return sender + '\u0000' + clientId;
    }

    private static Message read(ResultSet rs) throws SQLException {
        Message m = new Message();
        m.id = rs.getLong(1);
        m.seq = rs.getLong(2);
        m.clientId = rs.getString(3);
        m.sender = rs.getString(4);
        m.kind = MessageKind.of(rs.getString(5));
        m.text = rs.getString(6);
        m.createdAt = rs.getObject(7, OffsetDateTime.class).toInstant();
        m.model = rs.getString(8);
        m.turnId = rs.getString(9);
        m.cached = rs.getObject(10, Boolean.class);
        m.cancelled = rs.getObject(11, Boolean.class);
        m.inputTokens = rs.getObject(12, Integer.class);
        m.outputTokens = rs.getObject(13, Integer.class);
        m.imported = rs.getObject(14, Boolean.class);
        return m;
    }
}
