package dev.parley.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CatchupTest {
    private static final long MS = 1_000_000L;

    @Test
    void theMessagesDueFromJustBeforeTheCutUntilTheBusWasBackAreFollowedToTheirLastArrival() {
        // 100 messages due every 100 ms from t = 0 (no warm-up); normally each arrives 2 ms after it was due
        long[] same = new long[100];
        long[] other = new long[100];
        for (int i = 0; i < 100; i++) {
            same[i] = i * 100 * MS + 2 * MS;
            other[i] = i * 100 * MS + 2 * MS;
        }
        // the cut at 5,000 ms, both nodes back at 5,600 ms: messages due 5,000..5,500 reach the other node late, the
        // last of them at 5,650 ms; message 51 also waited behind a gap on its sender's node
        for (int i = 50; i <= 55; i++) {
            other[i] = 5_650 * MS - (55 - i) * MS;
        }
        same[51] = 5_160 * MS;
        // a message long before the cut, late for reasons of its own: not the cut's
        other[10] = 1_500 * MS;
        Fanout.Timeline timeline = new Fanout.Timeline(0, 100 * MS, 0, same, other);

        Catchup c = Catchup.of(timeline, 5_000 * MS, 5_600 * MS, Duration.ofMillis(50));

        assertEquals(650.0, c.caughtUpMs());
        assertEquals(17, c.messages(), "due from 4,000 to 5,600 ms");
        assertEquals(6, c.lateOnOtherNode());
        assertEquals(1, c.lateOnSendersNode());
    }
}
