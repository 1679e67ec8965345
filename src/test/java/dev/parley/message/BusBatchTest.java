package dev.parley.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ServerEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frames of one commit in one room go to the other nodes in as few bus messages as fit, and come back whole. */
class BusBatchTest {
    private final ObjectMapper json = new ObjectMapper();

    private static List<String> framesOf(String body) {
        List<String> frames = new ArrayList<>();
        BusBatch.frames(body, frames::add);
        return frames;
    }

    @Test
    void theFramesOfACommitTravelInOneBodyAndComeBackInOrder() {
        List<String> frames = List.of("{\"seq\":1}", "{\"seq\":2}", "{\"seq\":3}");

        List<String> bodies = BusBatch.bodies(42, frames, 64 * 1024);

        assertThat(bodies).hasSize(1);
        assertThat(BusBatch.room(bodies.get(0))).isEqualTo(42);
        assertThat(framesOf(bodies.get(0))).isEqualTo(frames);
    }

    @Test
    void aMessageWithLineBreaksInItsTextIsOneFrame() throws Exception {
        MessageView m = new MessageView("lobby", 7, 3, "c1", "ann", MessageKind.USER, "one\ntwo\r\nthree", "2026-12-05T22:00:00Z",
                null, null, null, null, null, null);
        String frame = json.writerFor(ServerEvent.class).writeValueAsString(m);

        List<String> back = framesOf(BusBatch.bodies(7, List.of(frame, frame), 64 * 1024).get(0));

        assertThat(back).hasSize(2);
        assertThat(((MessageView) json.readerFor(ServerEvent.class).readValue(back.get(1))).text()).isEqualTo("one\ntwo\r\nthree");
    }

    @Test
    void framesBeyondTheSizeGoInTheNextBodyAndAnOversizedFrameGoesAlone() {
        String small = "{\"x\":\"" + "a".repeat(40) + "\"}";
        String large = "{\"x\":\"" + "b".repeat(200) + "\"}";

        List<String> bodies = BusBatch.bodies(5, List.of(small, small, large, small), 100);

        assertThat(bodies).extracting(BusBatchTest::framesOf)
                .containsExactly(List.of(small, small), List.of(large), List.of(small));
        assertThat(bodies).allSatisfy(b -> assertThat(BusBatch.room(b)).isEqualTo(5));
    }
}
