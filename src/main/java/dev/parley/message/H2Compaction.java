package dev.parley.message;

import dev.parley.config.ParleyConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.jboss.logging.Logger;

/**
 * Keeps the embedded H2 file from growing many times larger than its data. With {@code WRITE_DELAY=0} (each commit
 * written before its ack) H2 writes every commit as a new chunk at a free place of the file, and it runs no background
 * writer, the thread that would rewrite the few live pages of old chunks elsewhere so that their space can be used
 * again. Without that the file grew by tens of KiB per commit under load (docs/performance.md, "The embedded H2 file").
 *
 * <p>So Parley does that part of the background writer's work, every {@link ParleyConfig.Writer#h2CompactEvery()} on
 * a thread of its own: while less than {@link #TARGET_FILL_PERCENT} of the chunks' bytes are live, H2 rewrites up to
 * {@link ParleyConfig.Writer#h2CompactBytes()} of live pages out of its oldest, emptiest chunks
 * ({@link MVStore#compact}) and writes them, and the file is forced to the disk if anything was written since the
 * last pass forced it. Each pass also sets H2's retention time, how long a chunk is kept before its space may be
 * used again (45 s by default), to five passes: H2 keeps chunks that long on the assumption that the disk has by then
 * written what came after them, and these passes make sure of it. Only both together kept the file small (measured).
 * After the writes stop, the passes stop too once they no longer make the chunks fuller ({@link Passes#run}); a pass
 * that found nothing to do is followed {@link #QUIET_SLOWDOWN} times later, with the retention time as many times
 * longer, until a pass finds something written again. When the disk refuses to force the file, the node stops
 * ({@link DiskFailure}), as it does after a group commit.
 *
 * <p>Does nothing on PostgreSQL, on H2 in memory or as a server (that process owns its file), and when
 * {@code WRITE_DELAY} is above 0 (H2's background writer compacts then). Uses H2's store classes, not only JDBC: SQL
 * has no online compaction ({@code SHUTDOWN COMPACT} closes the database). H2's store lock orders a pass with the
 * writers' commits, which wait for it.
 */
@Singleton
public class H2Compaction {
    private static final Logger LOG = Logger.getLogger(H2Compaction.class);
    private static final long FAILURE_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** The retention time, in passes. */
    static final int RETENTION_PASSES = 5;
    /**
     * After a quiet pass (nothing written since the one before, nothing rewritten) the next comes this many times later,
     * with the retention time as many times longer: an idle node's compaction thread wakes once a second, not five
     * times, and on this project's test host each wake-up of an idle thread cost about half a millisecond of CPU
     * (docs/performance.md, "Wake-ups of an idle server").
     */
    static final int QUIET_SLOWDOWN = 5;
    /**
     * A pass rewrites only while less than this share of the chunks' bytes is live (H2's own background writer: 90 %
     * when idle, 81 % when busy). In a small file that alone ends the passes once the writes stop; in the server's
     * file the share stopped rising below it, so {@link Passes} also stops passes that no longer make it rise.
     */
    static final int TARGET_FILL_PERCENT = 80;

    private final DataSource dataSource;
    private final DiskFailure disk;
    private final ParleyConfig.Writer config;
    private final Timer rewrites;
    private final Counter failures;
    private final Passes passes;
    private volatile Thread thread;
    /** Compaction thread only. */
    private long lastFailureLog = System.nanoTime() - FAILURE_LOG_NANOS;

    H2Compaction(DataSource dataSource, ParleyConfig config, MeterRegistry registry, DiskFailure disk) {
        this.disk = disk;
        this.passes = new Passes(disk);
        this.dataSource = dataSource;
        this.config = config.writer();
        this.rewrites = Timer.builder("parley.h2.compactions")
                .description("Passes that rewrote live pages out of old chunks of the embedded H2 file, with their time")
                .publishPercentileHistogram().register(registry);
        this.failures = Counter.builder("parley.h2.compaction.failures")
                .description("Passes over the embedded H2 file that failed (logged at most once a minute)").register(registry);
    }

    void start(@Observes StartupEvent event) throws SQLException {
        if (config.h2CompactEvery().isZero()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            if (store(connection).isEmpty()) {
                return;
            }
        }
        long every = config.h2CompactEvery().toNanos();
        long quietEvery = QUIET_SLOWDOWN * every;
        Thread compaction = Thread.ofPlatform().daemon().name("parley-h2-compaction").unstarted(() -> {
            while (thread == Thread.currentThread()) {
                LockSupport.parkNanos(passes.quiet() ? quietEvery : every);
                if (thread == Thread.currentThread()) {
                    passReported();
                }
            }
        });
        thread = compaction;
        compaction.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        Thread running = thread;
        thread = null;
        if (running != null) {
            LockSupport.unpark(running);
            running.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    private void passReported() {
        if (disk.failed()) {
            return;
        }
        long start = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            int retention = retentionMillis(config);
            if (passes.run(connection, config.h2CompactBytes(), retention, QUIET_SLOWDOWN * retention)) {
                rewrites.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        } catch (SyncRefused e) {
            disk.stop("a compaction pass over the H2 file", e.getCause());
        } catch (SQLException | RuntimeException e) {
            failures.increment();
            long now = System.nanoTime();
            if (now - lastFailureLog >= FAILURE_LOG_NANOS) {
                lastFailureLog = now;
                LOG.warnf(e, "could not compact the H2 file; it grows until a pass succeeds (%d passes failed so far)",
                        (long) failures.count());
            }
        }
    }

    /** Five passes, in ms. */
    static int retentionMillis(ParleyConfig.Writer config) {
        return (int) Math.min(Integer.MAX_VALUE, RETENTION_PASSES * config.h2CompactEvery().toMillis());
    }

    /**
     * Passes over one database, one after another: what it keeps is which version of the store was last forced to
     * the disk. Used by one thread at a time.
     */
    static final class Passes {
        /** Passes in a row that did not make the chunks fuller, after which passes that only follow passes stop. */
        static final int PATIENCE = 10;
        private final int targetFillPercent;
        private MVStore store;
        /** The store's version after the last pass, forced to the disk. */
        private long version;
        /** When (nanoTime) a pass last found something written by others than the passes. */
        private long lastWritten;
        /** Since the others last wrote: the highest share of live bytes in the chunks, and passes since it rose. */
        private int bestFill;
        private int passesWithoutProgress;
        /** Whether the last pass was quiet ({@link #quiet()}). */
        private boolean quiet;
        /** Orders the passes' forces with the writers' and refuses them once one failed. */
        private final DiskFailure disk;

        Passes(DiskFailure disk) {
            this(disk, TARGET_FILL_PERCENT);
        }

        /** @param targetFillPercent rewrites only while less than this share of the chunks' bytes is live */
        Passes(DiskFailure disk, int targetFillPercent) {
            this.disk = disk;
            this.targetFillPercent = targetFillPercent;
        }

        /**
         * One pass on the database of {@code connection} (a pooled one keeps the database open through the pass, and
         * finds its store again if it was closed and opened meanwhile): rewrites up to {@code bytes} of live pages out
         * of old chunks and writes them, forces the file to the disk unless nothing was written since the last pass
         * forced it. The retention time is {@code retentionMillis} during the pass and after it, or
         * {@code quietRetentionMillis} after a {@linkplain #quiet() quiet} pass, whose successor comes later. A longer
         * one is safe at any time; a shorter one only once all that was written is on disk, so after a quiet pass it
         * is shortened only at the end, after the force. Returns whether anything was rewritten.
         *
         * <p>Does nothing, returning false, where {@link #store} finds no store to compact, and when the passes
         * alone have written for longer than twice the retention time (every chunk the others wrote has been
         * rewritable for a while) and the last {@link #PATIENCE} passes did not raise the share of live bytes in the
         * chunks. Rewriting moves a page's parents too and leaves their old copies dead, so passes that follow only
         * passes always find something to rewrite; in the server the share of live bytes stopped rising about 40 s
         * after a load, below the target, and the passes went on using a tenth of a core (docs/performance.md).
         */
        boolean run(Connection connection, int bytes, int retentionMillis) throws SQLException {
            return run(connection, bytes, retentionMillis, retentionMillis);
        }

        /** As {@link #run(Connection, int, int)}, with a longer retention time after a quiet pass. */
        boolean run(Connection connection, int bytes, int retentionMillis, int quietRetentionMillis) throws SQLException {
            Optional<MVStore> found = store(connection);
            if (found.isEmpty()) {
                return false;
            }
            MVStore current = found.get();
            long now = System.nanoTime();
            boolean written = current != store || current.getCurrentVersion() != version;
            if (!quiet) {
                retain(current, retentionMillis); // after a busy pass it is this one already; the first pass sets it
            }
            if (written) {
                lastWritten = now;
                bestFill = -1;
                passesWithoutProgress = 0;
            } else if (now - lastWritten > 2 * TimeUnit.MILLISECONDS.toNanos(retentionMillis)) {
                if (passesWithoutProgress >= PATIENCE) {
                    quiet = true;
                    retain(current, quietRetentionMillis); // longer: safe at any time
                    return false;
                }
                int fill = current.getFileStore().getChunksFillRate();
                if (fill > bestFill) {
                    bestFill = fill;
                    passesWithoutProgress = 0;
                } else {
                    passesWithoutProgress++;
                }
            }
            boolean rewritten = current.compact(targetFillPercent, bytes);
            if (rewritten) {
                current.commit();
            }
            if (current != store || current.getCurrentVersion() != version) {
                try {
                    disk.force(current::sync);
                } catch (SQLException | RuntimeException e) {
                    throw new SyncRefused(e);
                }
            }
            store = current;
            version = current.getCurrentVersion();
            quiet = !written && !rewritten;
            retain(current, quiet ? quietRetentionMillis : retentionMillis); // all written so far is on disk
            return rewritten;
        }

        /**
         * True when the last pass found nothing written since the one before and rewrote nothing: the next may come
         * {@link #QUIET_SLOWDOWN} times later, as its retention time allows.
         */
        boolean quiet() {
            return quiet;
        }

        private static void retain(MVStore store, int millis) {
            if (store.getRetentionTime() != millis) {
                store.setRetentionTime(millis);
            }
        }
    }

    /** The disk refused to force what a pass (or the writers before it) wrote: the node stops ({@link DiskFailure}). */
    static final class SyncRefused extends RuntimeException {
        SyncRefused(Exception cause) {
            super(cause);
        }
    }

    /** The store of an embedded H2 file without a background writer on {@code connection}; empty otherwise. */
    static Optional<MVStore> store(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)
                || !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return Optional.empty();
        }
        MVStore store = session.getDatabase().getStore().getMvStore();
        if (store.getFileStore() == null || store.getAutoCommitDelay() > 0) {
            return Optional.empty();
        }
        return Optional.of(store);
    }
}
