package dev.parley.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The writer's look-up of earlier stores (idempotency) on the embedded database: it finds them by sender and
 * clientId, and it reads only the rows of the keys it asks for, however many messages the room holds. The second
 * part is read from H2's own count of the rows a query visited ({@code EXPLAIN ANALYZE}), not from a clock.
 */
class MessageTableTest {
    private static final String URL = "jdbc:h2:mem:message-table;DB_CLOSE_DELAY=-1";
    static final long ROOM = 1;
    private static final int STORED = 5_000;

    @BeforeAll
    static void aRoomWithManyMessages() throws SQLException {
        Flyway.configure().dataSource(URL, "", "").load().migrate();
        try (Connection c = DriverManager.getConnection(URL, "", "")) {
            fillRoom(c, STORED);
        }
    }

    /** Room {@link #ROOM} ("big") with {@code count} messages, clientIds c0, c1, …, sent in turn by alice and bob. */
    static void fillRoom(Connection c, int count) throws SQLException {
        c.createStatement().execute("""
                INSERT INTO rooms (id, name, is_private, assistant_mode, owner, last_seq, cleared_seq, created_at)
                VALUES (1, 'big', FALSE, 'mention', 'alice', 0, 0, CURRENT_TIMESTAMP)""");
        c.setAutoCommit(false);
        try (MessageTable.Tx tx = new MessageTable(false).begin(c)) {
            long last = tx.claimSeqs(ROOM, count);
            for (int i = 0; i < count; i++) {
                tx.queueInsert(tx.nextId(), ROOM, last - count + 1 + i,
                        Draft.user(ROOM, "big", i % 2 == 0 ? "alice" : "bob", "c" + i, "hi"), Instant.now());
            }
            tx.insertQueued();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    /** Asks for two stored keys, a clientId stored by someone else and one never stored. */
    static Map<String, ?> askFourKeys(Connection c) throws SQLException {
        try (MessageTable.Tx tx = new MessageTable(false).begin(c)) {
            return tx.stored(ROOM, "big", List.of(
                    Draft.user(ROOM, "big", "alice", "c10", "again"),
                    Draft.user(ROOM, "big", "bob", "c4001", "again"),
                    Draft.user(ROOM, "big", "bob", "c10", "c10 was alice's"),
                    Draft.user(ROOM, "big", "alice", "c999999", "new")));
        }
    }

    @Test
    void earlierStoresAreFoundBySenderAndClientIdAmongTheRoomsMessages() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, "", "")) {
            assertThat(askFourKeys(c)).containsOnlyKeys(MessageTable.key("alice", "c10"), MessageTable.key("bob", "c4001"));
        }
    }

    @Test
    void theLookUpOfAKeyVisitsOnlyThatKeysRowNotTheRoomsMessages() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, "", "");
                PreparedStatement explain = c.prepareStatement("EXPLAIN ANALYZE " + MessageTable.STORED_ONE)) {
            explain.setLong(1, ROOM);
            explain.setString(2, "c2500");
            explain.setString(3, "alice");
            String plan;
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                plan = rs.getString(1);
            }
            List<Integer> scans = new ArrayList<>();
            Matcher m = Pattern.compile("scanCount: (\\d+)").matcher(plan);
            while (m.find()) {
                scans.add(Integer.parseInt(m.group(1)));
            }
            assertThat(scans).as(plan).isNotEmpty().allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
        }
    }
}
