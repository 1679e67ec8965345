package dev.parley.message;

import io.quarkus.runtime.Quarkus;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * The node's answer to a disk that refused to confirm a write: a failed fsync of the embedded H2 file, after a group
 * commit ({@link MessageWriter}) or a compaction pass ({@link H2Compaction}). Nothing written since the last confirmed
 * force can then be trusted to be on the disk: the kernel may have dropped the pages, a later fsync can report success
 * without them, and H2's later chunks would point into the lost ones. So the node stops, as PostgreSQL does: it takes
 * no more messages, stops gracefully and exits with {@link #EXIT_STATUS}, to be started again on what the disk holds.
 */
@Singleton
public class DiskFailure {
    private static final Logger LOG = Logger.getLogger(DiskFailure.class);
    /** The process's exit status after a write the disk did not confirm (BSD sysexits' {@code EX_IOERR}). */
    static final int EXIT_STATUS = 74;

    /** Ends the process: a graceful stop, then the status. Tests replace it. */
    volatile IntConsumer exit = Quarkus::asyncExit;
    /** A force failed: nothing written since is trusted. Set under this object's lock, read anywhere. */
    private volatile boolean failed;
    /** The exit was asked for (under this object's lock). */
    private boolean stopping;

    /** A force of the file: H2's {@code CHECKPOINT SYNC} or its store's {@code sync}. */
    @FunctionalInterface
    interface Force {
        void run() throws SQLException;
    }

    /** True once the disk refused a write: nothing more is written. */
    boolean failed() {
        return failed;
    }

    /**
     * Runs {@code force}, one at a time with every other force of the file. Fails, without forcing, once a force has
     * failed: after a refused fsync a later one can succeed without the dropped pages, and what it confirms may stand
     * on them, so no later commit may be acked (writer shards and compaction passes force the same file).
     */
    synchronized void force(Force force) throws SQLException {
        if (failed) {
            throw new SQLException("an earlier force of the file failed; nothing written since is trusted to be on the disk");
        }
        try {
            force.run();
        } catch (SQLException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /** The disk refused to confirm what {@code what} wrote: stops the node, once. */
    synchronized void stop(String what, Throwable cause) {
        failed = true;
        if (stopping) {
            return;
        }
        stopping = true;
        LOG.errorf(cause, "%s could not be forced to disk. Nothing written since the last confirmed force can be trusted to"
                + " be on it, so this server takes no more messages and exits with status %d; started again, it goes on"
                + " from what the disk holds. Check the disk before that.", what, EXIT_STATUS);
        exit.accept(EXIT_STATUS);
    }
}
