package dev.parley.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.bench.server.Measured;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DurableTest {
    private final Loop loop = new Loop();

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void everySentMessageIsAckedAndNoneIsLeftWhenTheRunEnds() {
        Durable.Result r = Durable.run(loop, new InMemoryTarget(loop.vertx(), id -> false), "room", 4, 1, 10,
                Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(5),
                Measured.pid(ProcessHandle.current().pid()));
        assertTrue(r.ackedPerSecond() > 0, r.toString());
        assertEquals(0, r.unackedAtEnd());
        assertEquals(0, r.errors());
    }
}
