package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownTest {

    @Test
    void codeBlocksAreKeptVerbatimBehindAGutter() {
        String text = "Try this:\n```java\nint **x** = 1;\n  indented();\n```\ndone";
        assertThat(Markdown.render(text, false)).containsExactly(
                "Try this:", "  | java", "  | int **x** = 1;", "  |   indented();", "  | ", "done");
    }

    @Test
    void boldHeadingsAndLinksReadPlainlyWithoutColour() {
        assertThat(Markdown.render("# Summary\nThis is **important**, see [the docs](https://x.dev/a).", false))
                .containsExactly("SUMMARY", "This is important, see the docs <https://x.dev/a>.");
    }

    @Test
    void boldIsShownBoldWithColour() {
        assertThat(Markdown.render("a **b** c", true)).containsExactly("a " + Markdown.BOLD + "b" + Markdown.RESET + " c");
    }

    @Test
    void listsAndInlineCodeAreLeftAsWritten() {
        assertThat(Markdown.render("- one `1`\n- two * 2", false)).containsExactly("- one `1`", "- two * 2");
    }
}
