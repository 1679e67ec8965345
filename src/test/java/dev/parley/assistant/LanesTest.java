package dev.parley.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.assistant.standin.StandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A room's lanes exist only while it has work: rooms used once and abandoned leave nothing behind. */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
class LanesTest extends AssistantTestSupport {

    @Test
    void lanesOfTenThousandAbandonedRoomsAreRemovedOnceTheirWorkIsDone() throws Exception {
        int rooms = 10_000;
        CountDownLatch open = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < rooms; i++) {
            worker.admit("abandoned-" + i, () -> {
                try {
                    open.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ran.incrementAndGet();
            });
        }
        assertThat(worker.rooms()).isGreaterThanOrEqualTo(rooms);
        open.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ran.get() == rooms);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> worker.rooms() == 0);
    }

    @Test
    void aRoomsTasksStillRunInOrderWhileItsLanesComeAndGo() throws Exception {
        List<Integer> seen = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        int tasks = 2_000;
        for (int i = 0; i < tasks; i++) {
            int n = i;
            worker.admit("one-room", () -> {
                synchronized (seen) {
                    seen.add(n);
                }
                if (n == tasks - 1) {
                    done.countDown();
                }
            });
            if (i % 100 == 0) {
                // let the lane drain and go now and then, so later tasks land in new lanes
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                    synchronized (seen) {
                        return seen.size() == n + 1;
                    }
                });
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> worker.rooms() == 0);
            }
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        synchronized (seen) {
            assertThat(seen).hasSize(tasks).isSorted();
        }
    }
}
