package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jline.reader.Candidate;
import org.junit.jupiter.api.Test;

class CompletionTest {

    private static List<String> complete(List<String> words, int index, Set<String> rooms) {
        List<Candidate> candidates = new ArrayList<>();
        Main.complete(words, index, rooms, candidates);
        return candidates.stream().map(Candidate::value).toList();
    }

    @Test
    void theFirstWordCompletesToEveryCommand() {
        assertThat(complete(List.of("/jo"), 0, Set.of())).contains("/join", "/save", "/load", "/switch", "/quit")
                .hasSize(Command.HELP.size());
    }

    @Test
    void afterJoinTheKnownRoomNamesAreOffered() {
        assertThat(complete(List.of("/join", "lo"), 1, Set.of("lobby", "ops"))).containsExactlyInAnyOrder("lobby", "ops");
    }

    @Test
    void ordinaryTextGetsNoCandidates() {
        assertThat(complete(List.of("hello", "wor"), 1, Set.of("lobby"))).isEmpty();
        assertThat(complete(List.of("hello"), 0, Set.of("lobby"))).isEmpty();
    }
}
