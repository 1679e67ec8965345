package dev.parley.message;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * An H2 file system ({@code jdbc:h2:failsync:…}) over the real one whose {@code force} (fsync) fails while
 * {@link #FAIL} is set, as a failing disk's does, or waits while {@link #HOLD} is; everything else goes to the file as
 * usual. The switches are system properties so that they reach the H2 copy the server under test loaded, whichever
 * class loader that is.
 */
public final class FailingSyncDisk extends FilePathWrapper {
    /** System property: {@code true} makes every fsync fail. */
    public static final String FAIL = "parley.test.fsync-fails";
    /**
     * Key in {@link System#getProperties()} whose value, a {@link CountDownLatch}, holds every fsync until it opens (at
     * most 30 s): a disk slow to confirm. An object rather than a string property so that it reaches the server's H2
     * copy whatever its class loader; remove it to stop holding.
     */
    public static final String HOLD = "parley.test.fsync-held";

    /** Makes {@code jdbc:h2:failsync:} known to H2; idempotent. */
    public static void install() {
        FilePath.register(new FailingSyncDisk());
    }

    /**
     * A server's configuration with its embedded database in a new folder on this file system, every group commit
     * forced, and a compaction pass every {@code compactEvery} ({@code 0s}: none).
     */
    public static Map<String, String> server(String compactEvery) {
        install();
        Path dir = Path.of("target", "failing-sync-disk", Long.toString(System.nanoTime())).toAbsolutePath();
        return Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:failsync:" + dir.resolve("parley") + ";WRITE_DELAY=0",
                "parley.writer.fsync", "true", "parley.writer.h2-compact-every", compactEvery);
    }

    @Override
    public String getScheme() {
        return "failsync";
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        return new Channel(super.open(mode));
    }

    private static final class Channel extends FileBase {
        private final FileChannel file;

        Channel(FileChannel file) {
            this.file = file;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (System.getProperties().get(HOLD) instanceof CountDownLatch held) {
                try {
                    held.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("held fsync interrupted");
                }
            }
            if (Boolean.getBoolean(FAIL)) {
                throw new IOException("injected fsync failure");
            }
            file.force(metaData);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return file.write(src);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return file.write(src, position);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
