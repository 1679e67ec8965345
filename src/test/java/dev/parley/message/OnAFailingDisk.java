package dev.parley.message;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For server tests whose embedded database lives on {@link FailingSyncDisk} ({@link FailingSyncDisk#server}): the
 * server's address, the exits {@link DiskFailure} asks for (taken here instead of ending the JVM), its Redis, and a
 * disk that works again (and holds nothing) after each test. Each test class keeps a profile of its own: a node that
 * saw a refused fsync refuses every later send, so no other class may share its server.
 */
abstract class OnAFailingDisk {
    @TestHTTPResource("/")
    URI base;

    @Inject
    DiskFailure disk;

    /** The local Redis the server uses (the assistant's rate-limit keys show how far an admission got). */
    @Inject
    RedisDataSource redis;

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
