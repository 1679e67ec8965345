package dev.parley.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** SPEC §5: messages from this node and others reach members in seq order, no gap, nothing twice. */
class RoomSequencerTest {
    private static final long ROOM = 7;
    private final List<Long> handed = new ArrayList<>();
    private final Set<String> watched = new HashSet<>(Set.of("lobby"));
    private final TreeMap<Long, MessageView> database = new TreeMap<>();
    private final List<Long> reads = new ArrayList<>();
    private final Counter refetched = new SimpleMeterRegistry().counter("refetched");
    private final MessageFanout fanout = new MessageFanout() {
        @Override
        public void committed(MessageView message, long receivedNanos) {
            handed.add(message.seq());
        }

        @Override
        public boolean watching(String room) {
            return watched.contains(room);
        }
    };
    private final RoomSequencer sequencer = new RoomSequencer(fanout, (roomId, room, after, limit) -> {
        reads.add(after);
        return database.tailMap(after, false).values().stream().limit(limit).toList();
    }, Duration.ofHours(1).toNanos(), refetched);

    private MessageView committed(long seq) {
        MessageView m = new MessageView("lobby", 100 + seq, seq, "c" + seq, "ann", MessageKind.USER, "hi " + seq,
                "2026-12-03T00:00:00.000Z", null, null, null, null, null, null);
        database.put(seq, m);
        return m;
    }

    @Test
    void messagesInOrderGoStraightThroughAndRepeatsAreDropped() {
        sequencer.known(ROOM, "lobby", 0);
        for (long seq = 1; seq <= 3; seq++) {
            sequencer.offer(ROOM, committed(seq), 0);
        }
        sequencer.offer(ROOM, database.get(2L), 0);
        assertThat(handed).containsExactly(1L, 2L, 3L);
        assertThat(reads).isEmpty();
    }

    @Test
    void aMessageAheadOfAMissingOneWaitsForItOnTheBus() {
        sequencer.known(ROOM, "lobby", 0);
        MessageView first = committed(1);
        sequencer.offer(ROOM, committed(2), 0);
        assertThat(handed).isEmpty();
        sequencer.expire(System.nanoTime()); // the wait (an hour here) is not over
        sequencer.offer(ROOM, first, 0);
        assertThat(handed).containsExactly(1L, 2L);
        assertThat(reads).as("nothing read from the database").isEmpty();
    }

    @Test
    void aGapNotFilledByTheBusIsReadFromTheDatabaseBeforeAnythingLater() {
        sequencer.known(ROOM, "lobby", 0);
        committed(1);
        committed(2);
        sequencer.offer(ROOM, committed(3), 0);
        sequencer.offer(ROOM, committed(4), 0);
        sequencer.expire(Long.MAX_VALUE);
        assertThat(handed).containsExactly(1L, 2L, 3L, 4L);
        assertThat(reads).containsExactly(0L);
        assertThat(refetched.count()).isEqualTo(2);
        sequencer.offer(ROOM, database.get(2L), 0); // the lost message arrives late after all
        assertThat(handed).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void afterLostTrafficEveryFollowedRoomReadsWhatItLacks() {
        sequencer.known(ROOM, "lobby", 0);
        sequencer.offer(ROOM, committed(1), 0);
        committed(2);
        committed(3);
        sequencer.catchUp();
        assertThat(handed).containsExactly(1L, 2L, 3L);
        sequencer.offer(ROOM, committed(4), 0);
        assertThat(handed).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aJoinsSnapshotIsWhereTheLiveStreamStartsSoAFirstMissedMessageIsAGap() {
        committed(1);
        committed(2);
        sequencer.known(ROOM, "lobby", 1); // the join read up to 1; 2 was lost on the way
        sequencer.offer(ROOM, committed(3), 0);
        sequencer.expire(Long.MAX_VALUE);
        assertThat(handed).containsExactly(2L, 3L);
    }

    @Test
    void roomsWithoutMembersHereAreNotFollowed() {
        watched.clear();
        sequencer.known(ROOM, "lobby", 0);
        sequencer.offer(ROOM, committed(1), 0);
        assertThat(handed).isEmpty();
        assertThat(sequencer.rooms()).isZero();
        watched.add("lobby");
        sequencer.offer(ROOM, committed(2), 0);
        watched.clear();
        sequencer.sweep();
        assertThat(sequencer.rooms()).isZero();
    }
}
