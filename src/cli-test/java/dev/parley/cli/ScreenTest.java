package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ScreenTest {
    private final StringWriter out = new StringWriter();
    private final Screen.Plain screen = new Screen.Plain(new PrintWriter(out));

    @Test
    void deltasAreAppendedInPlaceOnOneLine() {
        screen.stream("t1", "21:04 assistant: ", "Hel");
        screen.stream("t1", "21:04 assistant: ", "lo, ");
        assertThat(out.toString()).isEqualTo("21:04 assistant: Hello, ");
        screen.stream("t1", "21:04 assistant: ", "world");
        screen.endStream("t1");
        assertThat(out.toString()).isEqualTo("21:04 assistant: Hello, world" + System.lineSeparator());
    }

    @Test
    void aLineArrivingMidStreamGoesBelowAndTheStreamContinuesOnANewLine() {
        screen.stream("t1", "a: ", "one");
        screen.line("· bob is typing…");
        screen.stream("t1", "a: ", " two");
        screen.endStream("t1");
        String nl = System.lineSeparator();
        assertThat(out.toString()).isEqualTo("a: one" + nl + "· bob is typing…" + nl + "a:  two" + nl);
    }

    @Test
    void endingAnotherStreamLeavesTheOpenOneAlone() {
        screen.stream("t1", "a: ", "x");
        screen.endStream("t2");
        assertThat(out.toString()).isEqualTo("a: x");
    }
}
