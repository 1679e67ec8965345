package dev.parley.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.config.ParleyConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** State that only grew: presence kept empty rooms, typing kept cancelled timers. Both shrink back now. */
class TrackersForgetTest {

    @Test
    void tenThousandRoomsJoinedAndLeftLeaveNoPresenceEntry() {
        PresenceTracker presence = new PresenceTracker(body -> { }, change -> { }, (ms, task) -> { }, () -> 0);
        for (int i = 0; i < 10_000; i++) {
            assertThat(presence.connect("room" + i, "alice")).isTrue();
            assertThat(presence.connect("room" + i, "alice")).isFalse(); // a second tab
        }
        assertThat(presence.rooms()).isEqualTo(10_000);
        for (int i = 0; i < 10_000; i++) {
            assertThat(presence.disconnect("room" + i, "alice")).isFalse();
            assertThat(presence.disconnect("room" + i, "alice")).isTrue();
        }
        assertThat(presence.rooms()).isZero();
        assertThat(presence.isOnline("room1", "alice")).isFalse();
    }

    @Test
    void tenThousandTypingBurstsEndAndLeaveNothingBehind() {
        TypingTracker typing = new TypingTracker(config(Duration.ofMillis(200)));
        AtomicInteger expired = new AtomicInteger();
        for (int i = 0; i < 10_000; i++) {
            assertThat(typing.start("room" + i, "alice", expired::incrementAndGet)).isTrue();
            assertThat(typing.start("room" + i, "alice", expired::incrementAndGet)).isFalse(); // a refresh
        }
        for (int i = 0; i < 5_000; i++) {
            assertThat(typing.stop("room" + i, "alice")).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> typing.size() == 0);
        assertThat(expired.get()).isEqualTo(5_000); // only those not stopped expired, each once
        typing.shutdown(null);
    }

    @Test
    void noSweepIsScheduledWhileNoOneTypesAndTypingAfterAQuietSpellStillExpires() {
        TypingTracker typing = new TypingTracker(config(Duration.ofMillis(200)));
        AtomicInteger expired = new AtomicInteger();
        assertThat(typing.sweepScheduled()).as("a new tracker").isFalse();
        typing.start("room", "alice", expired::incrementAndGet);
        assertThat(typing.sweepScheduled()).as("someone types").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> expired.get() == 1 && !typing.sweepScheduled());
        assertThat(typing.size()).isZero();
        typing.start("room", "bob", expired::incrementAndGet);
        await().atMost(Duration.ofSeconds(10)).until(() -> expired.get() == 2 && !typing.sweepScheduled());
        typing.shutdown(null);
        assertThat(typing.start("room", "carol", expired::incrementAndGet)).as("while stopping: no error").isTrue();
    }

    /** A ParleyConfig whose only setting read by TypingTracker is the typing timeout. */
    private static ParleyConfig config(Duration typingTimeout) {
        ParleyConfig.Ws ws = (ParleyConfig.Ws) Proxy.newProxyInstance(ParleyConfig.class.getClassLoader(),
                new Class<?>[] {ParleyConfig.Ws.class}, (p, m, a) -> {
                    if (m.getName().equals("typingTimeout")) {
                        return typingTimeout;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        return (ParleyConfig) Proxy.newProxyInstance(ParleyConfig.class.getClassLoader(),
                new Class<?>[] {ParleyConfig.class}, (p, m, a) -> {
                    if (m.getName().equals("ws")) {
                        return ws;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
