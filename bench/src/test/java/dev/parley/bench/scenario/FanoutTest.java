package dev.parley.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.bench.server.Measured;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FanoutTest {
    private final Loop loop = new Loop();
    private final Measured self = Measured.pid(ProcessHandle.current().pid());

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void everyMeasuredMessageIsCountedOnceAtEveryMember() {
        Fanout fanout = new Fanout(loop, new InMemoryTarget(loop.vertx(), id -> false), "room", 10, 2);
        fanout.open();
        // 1,000 deliveries/s = 100 messages/s: 50 warm-up messages, then 100 measured ones
        Fanout.Step step = fanout.step("t", 1_000, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
                self);
        assertEquals(100, step.messages());
        assertEquals(1_000, step.expected());
        assertEquals(1_000, step.delivered());
        assertEquals(0, step.lost());
        assertTrue(step.passes(1_000), step.toString());
    }

    @Test
    void deliveriesThatNeverArriveAreLostAndFailTheStep() {
        // message 60 is in the measured window (the first 50 are warm-up): its 10 deliveries never arrive
        Fanout fanout = new Fanout(loop, new InMemoryTarget(loop.vertx(), "t.60"::equals), "room", 10, 2);
        fanout.open();
        Fanout.Step step = fanout.step("t", 1_000, Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofMillis(200), self);
        assertEquals(10, step.lost());
        assertFalse(step.passes(1_000));
    }

    @Test
    void aStallOfTheSenderCountsAsLatencyFromTheIntendedSendTime() {
        Fanout fanout = new Fanout(loop, new InMemoryTarget(loop.vertx(), id -> false), "room", 10, 2);
        fanout.open();
        // block the generator's loop for 300 ms inside the measured window: the messages due meanwhile go out late,
        // and an open-loop measurement must charge that delay to them instead of measuring from the late send
        loop.vertx().setTimer(1_000, id -> {
            long until = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        Fanout.Step step = fanout.step("t", 1_000, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(5),
                self);
        assertEquals(0, step.lost());
        assertTrue(step.max() >= 250, "the stalled messages waited at least 250 ms from their intended time: " + step);
    }

    @Test
    void aSecondCopyAtAMemberIsCountedAsDoubledNotAsDelivered() {
        // message 60 (measured) reaches every one of the 10 members twice
        Fanout fanout = new Fanout(loop, new InMemoryTarget(loop.vertx(), id -> false, (user, id) -> 0, "t.60"::equals),
                "room", 10, 2);
        fanout.open();
        Fanout.Step step = fanout.step("t", 1_000, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
                self);
        assertEquals(1_000, step.delivered());
        assertEquals(0, step.lost());
        assertEquals(10, step.doubled());
        assertFalse(step.passes(1_000));
    }

    @Test
    void withSeveralNodesTheLatencyIsSplitByTheSendersNodeAndEachMessagesLastArrivalIsKept() {
        // members alternate between two nodes (as SplitTarget opens them), and so do the 2 senders; message 60, sent by
        // member 0 (node 0), reaches the members of node 1 only after 200 ms
        InMemoryTarget server = new InMemoryTarget(loop.vertx(), id -> false,
                (user, id) -> id.equals("t.60") && user % 2 == 1 ? 200 : 0, id -> false);
        Fanout fanout = new Fanout(loop, server, "room", 10, 2, i -> i % 2);
        fanout.open();
        Fanout.Step step = fanout.step("t", 1_000, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
                self);
        assertEquals(0, step.lost());
        assertEquals(500, step.sameNode().deliveries());
        assertEquals(500, step.otherNode().deliveries());
        assertTrue(step.otherNode().max() >= 200, step.toString());
        assertTrue(step.sameNode().max() < 100, step.toString());
        Fanout.Timeline t = step.timeline();
        assertEquals(100, t.messages());
        int sixty = 10; // measured message 10 is message 60 of the step
        assertTrue(t.lastOnOtherNode()[sixty] - t.dueNanos(sixty) >= 200_000_000L);
        assertTrue(t.lastOnSendersNode()[sixty] - t.dueNanos(sixty) < 100_000_000L);
        assertTrue(t.lastOnOtherNode()[sixty + 1] - t.dueNanos(sixty + 1) < 100_000_000L);
    }
}
