package dev.parley.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.ServerEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A turn's frames reach one connection whatever the order in which its event loop runs the broadcasts queued for
 * it and the replay a join writes at once: the text the client builds (an {@code assistant_start} restarts it, each
 * delta appends) is the turn's text, with nothing lost or doubled.
 */
class TurnFramesTest {
    private static final String CONNECTION = "c1";

    /** One connection's event loop: the broadcasts wait in its queue until the test runs them. */
    private static final class Loop implements TurnFrames.Members {
        final Deque<Runnable> queued = new ArrayDeque<>();
        final List<ServerEvent> written = new ArrayList<>();

        @Override
        public void send(String room, ServerEvent event, Predicate<String> to) {
            queued.add(() -> {
                if (to.test(CONNECTION)) {
                    written.add(event);
                }
            });
        }

        void runQueued() {
            while (!queued.isEmpty()) {
                queued.poll().run();
            }
        }

        /** The client rule of SPEC: a start empties the turn's text, a delta appends to it. */
        String text() {
            StringBuilder text = new StringBuilder();
            for (ServerEvent e : written) {
                switch (e) {
                    case ServerEvent.AssistantStart s -> text.setLength(0);
                    case ServerEvent.AssistantDelta d -> text.append(d.text());
                    default -> { }
                }
            }
            return text.toString();
        }
    }

    private final Loop loop = new Loop();
    private final TurnFrames frames = new TurnFrames("room", "turn", 1, "model");

    @Test
    void aPieceStillQueuedWhenARejoinWritesTheTextSoFarIsNotWrittenAgain() {
        frames.start(loop, null);
        frames.delta(loop, "First part. ", () -> { });
        loop.runQueued();
        // the member left and joined again; the stream went on before the join's replay ran on the loop
        frames.delta(loop, "second ", () -> { });
        frames.delta(loop, "part.", () -> { });
        frames.replay(CONNECTION, loop.written::add);
        loop.runQueued();
        frames.delta(loop, " The end.", () -> { });
        loop.runQueued();

        assertThat(loop.text()).isEqualTo("First part. second part. The end.");
        assertThat(loop.written.stream().filter(e -> e instanceof ServerEvent.AssistantDelta d && d.text().equals("second "))).isEmpty();
    }

    @Test
    void aJoinerWhoseStartIsStillQueuedWhenItsReplayIsWrittenEndsWithTheWholeText() {
        frames.start(loop, null);
        frames.delta(loop, "one ", () -> { });
        frames.replay(CONNECTION, loop.written::add);
        frames.delta(loop, "two", () -> { });
        loop.runQueued();

        assertThat(loop.text()).isEqualTo("one two");
    }

    @Test
    void aConnectionThatNeverSawAStartGetsNoPiece() {
        frames.delta(loop, "orphan", () -> { });
        loop.runQueued();

        assertThat(loop.written).isEmpty();
    }

    @Test
    void aRestartReplacesTheTextWithPiecesOfTheLostStreamStillQueued() {
        frames.start(loop, null);
        frames.delta(loop, "lost ", () -> { });
        loop.runQueued();
        frames.delta(loop, "stale", () -> { });
        frames.restart(loop, "whole text");
        frames.delta(loop, " and more", () -> { });
        loop.runQueued();

        assertThat(loop.text()).isEqualTo("whole text and more");
        assertThat(frames.text()).isEqualTo("whole text and more");
    }

    @Test
    void aRejoinAfterARestartGetsTheNewTextOnce() {
        frames.start(loop, null);
        frames.delta(loop, "old", () -> { });
        frames.restart(loop, "new ");
        frames.delta(loop, "text", () -> { });
        frames.replay(CONNECTION, loop.written::add);
        loop.runQueued();

        assertThat(loop.text()).isEqualTo("new text");
    }

    @Test
    void nothingIsWrittenAfterTheTurnFinished() {
        frames.start(loop, null);
        frames.delta(loop, "all", () -> { });
        frames.finish();
        frames.delta(loop, " more", () -> { });
        frames.replay(CONNECTION, loop.written::add);
        loop.runQueued();

        assertThat(loop.text()).isEqualTo("all");
    }
}
