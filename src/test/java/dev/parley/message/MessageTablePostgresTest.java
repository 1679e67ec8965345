package dev.parley.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The writer's look-up of earlier stores on PostgreSQL, in a room of 5,000 messages that the planner has no
 * statistics for (the table was never analyzed, as when autovacuum has not run since a room filled up): it finds
 * the keys asked for, and both the plan made for the values bound and the generic plan of a prepared statement read
 * only the rows of those keys, not the room. Read from {@code EXPLAIN ANALYZE}'s row counts, not from a clock. Runs
 * in the PostgreSQL pass of the tests, in a schema of its own.
 */
@EnabledIfSystemProperty(named = "quarkus.datasource.db-kind", matches = "postgresql")
class MessageTablePostgresTest {
    private static final String SCHEMA = "message_table_test";
    private static final int STORED = 5_000;
    /** A plan line that reads the messages table or one of its indexes, with what it actually read. */
    private static final Pattern READ = Pattern.compile(" on messages\\S*.*actual time=\\S+ rows=(\\d+) loops=(\\d+)");

    private static String url() {
        String base = System.getProperty("DATABASE_URL");
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), System.getProperty("DATABASE_USER"), "");
    }

    @BeforeAll
    static void aRoomWithManyMessagesAndNoStatistics() throws SQLException {
        dropSchema();
        Flyway.configure().dataSource(url(), System.getProperty("DATABASE_USER"), "").schemas(SCHEMA).load().migrate();
        try (Connection c = connect()) {
            MessageTableTest.fillRoom(c, STORED);
        }
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void earlierStoresAreFoundBySenderAndClientIdAmongTheRoomsMessages() throws SQLException {
        try (Connection c = connect()) {
            assertThat(MessageTableTest.askFourKeys(c))
                    .containsOnlyKeys(MessageTable.key("alice", "c10"), MessageTable.key("bob", "c4001"));
        }
    }

    @Test
    void theLookUpIsNeverKeptAsAServerSidePlanThatCouldGoStale() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < 10; i++) {
                MessageTableTest.askFourKeys(c); // the driver server-prepares a statement from its fifth execution on
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%UNNEST%'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("prepared look-ups on this connection").isZero();
            }
        }
    }

    @Test
    void theLookUpReadsOnlyTheKeysRowsWithTheValuesBound() throws SQLException {
        try (Connection c = connect()) {
            assertReadsOnlyTheKeys(explain(c));
        }
    }

    @Test
    void theLookUpsGenericPlanReadsOnlyTheKeysRowsToo() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE stored_any (varchar[], varchar[], bigint) AS "
                    + MessageTable.STORED_ANY.replaceFirst("\\?", "\\$1").replaceFirst("\\?", "\\$2").replaceFirst("\\?", "\\$3"));
            String plan = lines(s.executeQuery("EXPLAIN ANALYZE EXECUTE stored_any ('{c2500,c2501,c999999}', '{alice,bob,alice}', "
                    + MessageTableTest.ROOM + ")"));
            assertThat(plan).as("a generic plan: the room is a parameter").contains("$3");
            assertReadsOnlyTheKeys(plan);
        }
    }

    /** The plan for three keys of the room, of which two were stored. */
    private static String explain(Connection c) throws SQLException {
        try (PreparedStatement explain = c.prepareStatement("EXPLAIN ANALYZE " + MessageTable.STORED_ANY)) {
            explain.setArray(1, c.createArrayOf("VARCHAR", new Object[] {"c2500", "c2501", "c999999"}));
            explain.setArray(2, c.createArrayOf("VARCHAR", new Object[] {"alice", "bob", "alice"}));
            explain.setLong(3, MessageTableTest.ROOM);
            return lines(explain.executeQuery());
        }
    }

    /** The first column of every row of {@code rs} (an {@code EXPLAIN}), one per line; closes it. */
    private static String lines(ResultSet rs) throws SQLException {
        try (rs) {
            StringBuilder text = new StringBuilder();
            while (rs.next()) {
                text.append(rs.getString(1)).append('\n');
            }
            return text.toString();
        }
    }

    private static void assertReadsOnlyTheKeys(String plan) {
        List<Long> read = new ArrayList<>();
        Matcher m = READ.matcher(plan);
        while (m.find()) {
            read.add(Long.parseLong(m.group(1)) * Long.parseLong(m.group(2)));
        }
        assertThat(read).as(plan).isNotEmpty().allSatisfy(rows -> assertThat(rows).isLessThanOrEqualTo(3));
    }
}
