package dev.parley.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MailboxTest {

    @Test
    void tasksFromManyThreadsRunOneAtATimeInEachSubmittersOrder() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Mailbox mailbox = new Mailbox(Executors.newVirtualThreadPerTaskExecutor(), failures::add);
        int submitters = 8;
        int each = 2_000;
        List<int[]> seen = new ArrayList<>(); // touched only by the mailbox's tasks
        int[] running = {0};
        int[] overlaps = {0};
        CountDownLatch done = new CountDownLatch(submitters * each);
        try (ExecutorService pool = Executors.newFixedThreadPool(submitters)) {
            for (int s = 0; s < submitters; s++) {
                int submitter = s;
                pool.execute(() -> {
                    for (int i = 0; i < each; i++) {
                        int n = i;
                        mailbox.submit(() -> {
                            if (++running[0] > 1) {
                                overlaps[0]++;
                            }
                            seen.add(new int[] {submitter, n});
                            running[0]--;
                            done.countDown();
                        });
                    }
                });
            }
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        mailbox.submit(() -> { });
        assertThat(overlaps[0]).isZero();
        int[] next = new int[submitters];
        for (int[] item : seen) {
            assertThat(item[1]).isEqualTo(next[item[0]]++);
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aFailingTaskIsReportedAndTheNextStillRuns() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Mailbox mailbox = new Mailbox(Executors.newVirtualThreadPerTaskExecutor(), failures::add);
        CountDownLatch second = new CountDownLatch(1);
        mailbox.submit(() -> {
            throw new IllegalStateException("boom");
        });
        mailbox.submit(second::countDown);
        assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).singleElement().satisfies(t -> assertThat(t).hasMessage("boom"));
    }
}
