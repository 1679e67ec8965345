package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final SplittableRandom random = new SplittableRandom(42);

    @Test
    void aRestartingServerOrASlowReaderIsRetriedAtOnceWithALittleJitter() {
        for (int code : new int[] {1012, 1013}) {
            for (int i = 0; i < 100; i++) {
                assertThat(Backoff.delay(0, code, random)).isBetween(Duration.ZERO, Backoff.IMMEDIATE_JITTER);
            }
        }
    }

    @Test
    void otherDropsWaitLongerEachTimeUpToTheCapWithJitter() {
        for (int attempt = 0; attempt < 20; attempt++) {
            long ceiling = Math.min(Backoff.CAP.toMillis(), Backoff.BASE.toMillis() << Math.min(attempt, 16));
            for (int i = 0; i < 50; i++) {
                long wait = Backoff.delay(attempt, 1006, random).toMillis();
                assertThat(wait).isBetween(ceiling / 2, ceiling);
            }
        }
        assertThat(Backoff.delay(30, 1006, random)).isLessThanOrEqualTo(Backoff.CAP);
    }

    @Test
    void theJitterSpreadsClientsCutOffTogether() {
        long distinct = java.util.stream.IntStream.range(0, 50).mapToLong(i -> Backoff.delay(3, 1006, random).toMillis())
                .distinct().count();
        assertThat(distinct).isGreaterThan(10);
    }
}
