package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RendererTest {
    private final Renderer plain = new Renderer(false, ZoneOffset.UTC);

    private static MessageView message(String sender, MessageKind kind, String text) {
        return new MessageView("lobby", 1, 1, null, sender, kind, text, "2026-11-21T21:04:05.123Z", null, null, null,
                null, null, null);
    }

    @Test
    void aMessageShowsItsTimeAndSenderAndIndentsFurtherLines() {
        assertThat(plain.message(message("alice", MessageKind.USER, "hi\nthere")))
                .containsExactly("21:04 alice: hi", "      there");
    }

    @Test
    void escapeSequencesInTextAndNamesNeverReachTheTerminal() {
        assertThat(plain.message(message("bob\u001B[2J", MessageKind.USER, "\u001B]0;owned\u0007hello\u001B[31m")))
                .containsExactly("21:04 bob: hello");
    }

    @Test
    void assistantRepliesAreShownAsMarkdown() {
        assertThat(plain.message(message("assistant", MessageKind.ASSISTANT, "**Yes**:\n```\ncode\n```")))
                .containsExactly("21:04 assistant: Yes:", "        | ", "        | code", "        | ");
    }

    @Test
    void systemMessagesAreQuietOneLiners() {
        assertThat(plain.message(message("system", MessageKind.SYSTEM, "alice set the model\nto x")))
                .containsExactly("21:04 * alice set the model to x");
    }

    @Test
    void aCancelledReplySaysSo() {
        MessageView cancelled = new MessageView("lobby", 1, 1, null, "assistant", MessageKind.ASSISTANT, "half", "2026-11-21T21:04:05.123Z",
                "m", "t", false, null, true, null);
        assertThat(plain.message(cancelled)).containsExactly("21:04 assistant: half", "      (cancelled)");
    }

    @Test
    void statusLinesAreMarkedAndSanitised() {
        assertThat(plain.status("bob\u001B[1m is online")).isEqualTo("· bob is online");
        assertThat(plain.problem("x")).isEqualTo("! x");
    }
}
