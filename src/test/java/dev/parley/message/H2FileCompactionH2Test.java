package dev.parley.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link H2Compaction}'s pass on H2 files written the way the message writer writes them: one message per commit,
 * with {@code WRITE_DELAY=0}, into a table with the unique indexes of {@code messages}. The passes here set a retention
 * time of 0, so that a chunk may be rewritten and its space used again as soon as it is written, not only after the
 * five passes of a running server.
 */
class H2FileCompactionH2Test {
    private static final int COMMITS = 3000;

    @TempDir
    Path dir;

    @Test
    void aFileCompactedAsItIsWrittenEndsAtLessThanHalfTheSizeOfAnUncompactedOne() throws SQLException {
        long grown = write("plain", false);
        long compacted = write("compacted", true);

        assertThat(compacted).as("compacted file, against the uncompacted one of %d bytes", grown).isLessThan(grown / 2);
    }

    @Test
    void compactionLosesNoRow() throws SQLException {
        write("kept", true);

        try (Connection connection = open("kept", 0); Statement query = connection.createStatement();
                ResultSet rows = query.executeQuery("SELECT COUNT(*), COUNT(DISTINCT client_id), MAX(seq) FROM messages")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(COMMITS);
            assertThat(rows.getLong(2)).isEqualTo(COMMITS);
            assertThat(rows.getLong(3)).isEqualTo(COMMITS / 8);
        }
    }

    @Test
    void aPassSetsH2sRetentionTime() throws SQLException {
        try (Connection connection = open("retention", 0)) {
            new H2Compaction.Passes(new DiskFailure()).run(connection, 1 << 20, 4000);

            assertThat(H2Compaction.store(connection).orElseThrow().getRetentionTime()).isEqualTo(4000);
        }
    }

    /**
     * The file lives on {@link FailingSyncDisk}: a force while it fails throws, so whether a pass forced the file shows.
     * The retention time of five passes is only safe because anything written is forced within a pass. A retention
     * time of a minute keeps every chunk from being rewritten here, so the passes only decide whether to force.
     */
    @Test
    void aPassForcesTheFileOnlyWhenSomethingWasWrittenSinceTheLastPassForcedIt() throws SQLException {
        FailingSyncDisk.install();
        int aMinute = 60_000;
        try (Connection connection = DriverManager.getConnection("jdbc:h2:failsync:" + dir.resolve("force")
                + ";WRITE_DELAY=0;MAX_COMPACT_TIME=0", "sa", ""); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE notes (id BIGINT PRIMARY KEY)");
            H2Compaction.Passes passes = new H2Compaction.Passes(new DiskFailure());
            passes.run(connection, 1 << 20, aMinute);

            System.setProperty(FailingSyncDisk.FAIL, "true");
            try {
                assertThatCode(() -> passes.run(connection, 1 << 20, aMinute)).as("nothing written since")
                        .doesNotThrowAnyException();

                sql.execute("INSERT INTO notes VALUES (1)");
                assertThatThrownBy(() -> passes.run(connection, 1 << 20, aMinute)).as("a commit since")
                        .isInstanceOf(H2Compaction.SyncRefused.class)
                        .cause().isInstanceOf(MVStoreException.class).hasMessageContaining("sync");
            } finally {
                System.clearProperty(FailingSyncDisk.FAIL);
            }
        }
    }

    /**
     * A quiet pass (nothing written since the one before, nothing rewritten) leaves a longer retention time, as the
     * next pass comes later; a write brings the short one back, but only once the pass has forced what was written:
     * with a shorter retention time a commit may reuse a chunk that only unforced data has replaced.
     */
    @Test
    void aQuietPassLengthensTheRetentionTimeAndOnlyAForcedPassShortensItAgain() throws SQLException {
        FailingSyncDisk.install();
        int active = 0;
        int quiet = 5000;
        try (Connection connection = DriverManager.getConnection("jdbc:h2:failsync:" + dir.resolve("quiet")
                + ";WRITE_DELAY=0;MAX_COMPACT_TIME=0", "sa", ""); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE notes (id BIGINT PRIMARY KEY)");
            MVStore store = H2Compaction.store(connection).orElseThrow();
            H2Compaction.Passes passes = new H2Compaction.Passes(new DiskFailure());
            passes.run(connection, 1 << 20, active, quiet);
            assertThat(passes.quiet()).as("the first pass finds the table written").isFalse();
            assertThat(store.getRetentionTime()).isEqualTo(active);
            untilQuiet(passes, connection, active, quiet);
            assertThat(store.getRetentionTime()).isEqualTo(quiet);

            sql.execute("INSERT INTO notes VALUES (1)");
            passes.run(connection, 1 << 20, active, quiet);
            assertThat(passes.quiet()).as("a write since").isFalse();
            assertThat(store.getRetentionTime()).as("forced: the short one again").isEqualTo(active);

            untilQuiet(passes, connection, active, quiet);
            sql.execute("INSERT INTO notes VALUES (2)");
            System.setProperty(FailingSyncDisk.FAIL, "true");
            try {
                assertThatThrownBy(() -> passes.run(connection, 1 << 20, active, quiet))
                        .isInstanceOf(H2Compaction.SyncRefused.class);
                assertThat(store.getRetentionTime()).as("the write is not on disk: still the long one").isEqualTo(quiet);
            } finally {
                System.clearProperty(FailingSyncDisk.FAIL);
            }
        }
    }

    private static void untilQuiet(H2Compaction.Passes passes, Connection connection, int active, int quiet) throws SQLException {
        for (int i = 0; i < 500 && !passes.quiet(); i++) {
            passes.run(connection, 1 << 20, active, quiet);
        }
        assertThat(passes.quiet()).as("nothing written, nothing left to rewrite").isTrue();
    }

    /**
     * After the writes stop, the passes rewrite until {@link H2Compaction#TARGET_FILL_PERCENT} of the chunks' bytes
     * are live, and then write nothing more.
     */
    @Test
    void afterTheWritesThePassesStopOnceTheChunksAreMostlyLive() throws SQLException {
        write("settle", false);
        try (Connection connection = open("settle", 0)) {
            MVStore store = H2Compaction.store(connection).orElseThrow();
            H2Compaction.Passes passes = new H2Compaction.Passes(new DiskFailure());
            assertThat(store.getFileStore().getChunksFillRate()).as("before").isLessThan(H2Compaction.TARGET_FILL_PERCENT);
            int rewriting = 0;
            while (passes.run(connection, 1 << 20, 0)) {
                assertThat(++rewriting).as("passes that rewrote").isLessThan(200);
            }
            assertThat(rewriting).isPositive();
            assertThat(store.getFileStore().getChunksFillRate()).isGreaterThanOrEqualTo(H2Compaction.TARGET_FILL_PERCENT);

            assertLaterPassesWriteNothing(passes, connection, store);
        }
    }

    /**
     * Passes that follow only passes always find something to rewrite (each rewrite leaves the old copies of a page's
     * parents dead; with no target, 3,000 passes in a row after the writes all rewrote). With a target they cannot
     * reach, they still stop once {@link H2Compaction.Passes#PATIENCE} passes in a row did not make the chunks fuller.
     * Fails without that rule (checked).
     */
    @Test
    void passesThatNoLongerMakeTheChunksFullerStop() throws SQLException {
        write("patience", false);
        try (Connection connection = open("patience", 0)) {
            MVStore store = H2Compaction.store(connection).orElseThrow();
            H2Compaction.Passes passes = new H2Compaction.Passes(new DiskFailure(), 101);
            int rewriting = 0;
            while (passes.run(connection, 1 << 20, 0)) {
                assertThat(++rewriting).as("passes that rewrote").isLessThan(500);
            }
            assertLaterPassesWriteNothing(passes, connection, store);
        }
    }

    /** Writes after the passes went quiet start them again: otherwise the file would grow for good from then on. */
    @Test
    void writesAfterThePassesWentQuietStartThemAgain() throws SQLException {
        write("again", false);
        try (Connection connection = open("again", 0)) {
            H2Compaction.Passes passes = new H2Compaction.Passes(new DiskFailure(), 101);
            int rewriting = 0;
            while (passes.run(connection, 1 << 20, 0)) {
                assertThat(++rewriting).as("passes that rewrote").isLessThan(500);
            }
            assertThat(passes.run(connection, 1 << 20, 0)).as("quiet").isFalse();

            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO messages VALUES (?, 0, ?, ?, 'later', 'a later message', CURRENT_TIMESTAMP)")) {
                for (int i = 0; i < 300; i++) {
                    insert.setLong(1, COMMITS + i);
                    insert.setLong(2, COMMITS + i);
                    insert.setString(3, UUID.randomUUID().toString());
                    insert.executeUpdate();
                    connection.commit();
                }
            }
            assertThat(passes.run(connection, 1 << 20, 0)).as("the first pass after the writes rewrites").isTrue();
        }
    }

    @Test
    void onlyAnEmbeddedFileWithoutH2sBackgroundWriterIsCompactedByParley() throws SQLException {
        try (Connection file = open("file", 0);
                Connection inMemory = DriverManager.getConnection("jdbc:h2:mem:" + UUID.randomUUID(), "sa", "");
                Connection backgroundWriter = open("delayed", 500)) {
            assertThat(H2Compaction.store(file)).isPresent();
            assertThat(H2Compaction.store(inMemory)).isEmpty();
            assertThat(H2Compaction.store(backgroundWriter)).isEmpty();
            assertThat(new H2Compaction.Passes(new DiskFailure()).run(inMemory, 1 << 20, 0)).isFalse();
        }
    }

    /** Twenty more passes rewrite nothing and leave the store's version as it was. */
    private static void assertLaterPassesWriteNothing(H2Compaction.Passes passes, Connection connection, MVStore store)
            throws SQLException {
        long settled = store.getCurrentVersion();
        for (int i = 0; i < 20; i++) {
            assertThat(passes.run(connection, 1 << 20, 0)).isFalse();
        }
        assertThat(store.getCurrentVersion()).as("nothing written by the later passes").isEqualTo(settled);
    }

    /** Writes {@link #COMMITS} messages in 8 rooms, one per commit; compacts every 100 commits if asked. Returns the file's size. */
    private long write(String name, boolean compact) throws SQLException {
        try (Connection connection = open(name, 0)) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("""
                        CREATE TABLE messages (id BIGINT PRIMARY KEY, room_id BIGINT NOT NULL, seq BIGINT NOT NULL,
                            client_id VARCHAR(64), sender VARCHAR(64) NOT NULL, body VARCHAR(1000000) NOT NULL,
                            created_at TIMESTAMP WITH TIME ZONE NOT NULL,
                            CONSTRAINT messages_room_seq_uk UNIQUE (room_id, seq),
                            CONSTRAINT messages_client_uk UNIQUE (room_id, client_id, sender))""");
            }
            connection.setAutoCommit(false);
            H2Compaction.Passes passes = new H2Compaction.Passes(new DiskFailure());
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)")) {
                for (int i = 0; i < COMMITS; i++) {
                    insert.setLong(1, i);
                    insert.setLong(2, i % 8);
                    insert.setLong(3, i / 8 + 1);
                    insert.setString(4, UUID.randomUUID().toString());
                    insert.setString(5, "user" + i % 100);
                    insert.setString(6, "a message of about the length people write in a chat room, number " + i);
                    insert.executeUpdate();
                    connection.commit();
                    if (compact && i % 100 == 99) {
                        passes.run(connection, 1 << 20, 0);
                    }
                }
            }
        }
        try {
            return Files.size(dir.resolve(name + ".mv.db"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code MAX_COMPACT_TIME=0}: H2 does not compact the file when it closes, so a file's size is what its commits left. */
    private Connection open(String name, int writeDelay) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve(name) + ";WRITE_DELAY=" + writeDelay
                + ";MAX_COMPACT_TIME=0", "sa", "");
    }
}
