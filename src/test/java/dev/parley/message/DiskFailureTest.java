package dev.parley.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Once the disk refused a force of the file, no later force may confirm anything (it could succeed without the pages
 * the kernel dropped, and what it confirms may stand on them), and the node is stopped once, whoever reports it.
 */
class DiskFailureTest {
    @Test
    void afterARefusedForceNoLaterForceRunsOrConfirmsAnything() throws SQLException {
        DiskFailure disk = new DiskFailure();
        List<String> ran = new ArrayList<>();
        disk.force(() -> ran.add("first"));
        assertThat(disk.failed()).isFalse();

        assertThatThrownBy(() -> disk.force(() -> {
            ran.add("refused");
            throw new SQLException("fsync failed");
        })).hasMessage("fsync failed");
        assertThat(disk.failed()).isTrue();

        assertThatThrownBy(() -> disk.force(() -> ran.add("later"))).isInstanceOf(SQLException.class)
                .hasMessageContaining("an earlier force of the file failed");
        assertThat(ran).containsExactly("first", "refused");
    }

    @Test
    void aForceThatThrowsAnUncheckedFailureCountsAsRefusedToo() {
        DiskFailure disk = new DiskFailure();
        assertThatThrownBy(() -> disk.force(() -> {
            throw new IllegalStateException("Could not sync file");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(disk.failed()).isTrue();
    }

    @Test
    void theNodeIsStoppedOnceWhicheverWriterOrPassReportsIt() {
        DiskFailure disk = new DiskFailure();
        List<Integer> exits = new ArrayList<>();
        disk.exit = exits::add;
        disk.stop("writer 0: a commit", new SQLException("fsync failed"));
        disk.stop("writer 1: a commit", new SQLException("an earlier force of the file failed"));
        disk.stop("a compaction pass over the H2 file", new IllegalStateException("Could not sync file"));
        assertThat(exits).containsExactly(DiskFailure.EXIT_STATUS);
        assertThat(disk.failed()).isTrue();
    }
}
