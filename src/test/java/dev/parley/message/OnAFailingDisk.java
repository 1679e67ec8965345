package dev.parley.message;

import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For server tests whose embedded database lives on {@link FailingSyncDisk} ({@link FailingSyncDisk#server}): the
 * server's address, the exits {@link DiskFailure} asks for (taken here instead of ending the JVM), and a disk that
 * works again after each test.
 */
abstract class OnAFailingDisk {
    @TestHTTPResource("/")
    URI base;

    @Inject
    DiskFailure disk;

    /** The exit statuses asked for during the test. */
    final List<Integer> exits = new CopyOnWriteArrayList<>();

    @BeforeEach
    void takeTheExits() {
        disk.exit = exits::add;
    }

    @AfterEach
    void diskWorksAgain() {
        System.clearProperty(FailingSyncDisk.FAIL);
        if (System.getProperties().remove(FailingSyncDisk.HOLD) instanceof java.util.concurrent.CountDownLatch held) {
            held.countDown();
        }
    }
}
