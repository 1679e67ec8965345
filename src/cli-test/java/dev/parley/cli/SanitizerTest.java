package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SanitizerTest {

    @Test
    void colourAndCursorSequencesAreRemovedWhole() {
        assertThat(Sanitizer.clean("\u001B[31mred\u001B[0m and \u001B[2J\u001B[1;1Hcleared")).isEqualTo("red and cleared");
    }

    @Test
    void titleAndHyperlinkStringsAreRemovedUpToTheirTerminator() {
        assertThat(Sanitizer.clean("a\u001B]0;pwned title\u0007b")).isEqualTo("ab");
        assertThat(Sanitizer.clean("a\u001B]8;;http://evil\u001B\\link\u001B]8;;\u001B\\b")).isEqualTo("alinkb");
        assertThat(Sanitizer.clean("a\u001BP+q544e\u001B\\b")).isEqualTo("ab");
    }

    @Test
    void eightBitControlsAndLoneEscapesAreDropped() {
        assertThat(Sanitizer.clean("x\u009B31my")).isEqualTo("xy");
        assertThat(Sanitizer.clean("x\u001B(By\u001Bcz\u001B")).isEqualTo("xyz");
    }

    @Test
    void carriageReturnsBellsAndDirectionOverridesCannotRewriteWhatIsShown() {
        assertThat(Sanitizer.clean("safe\rEVIL")).isEqualTo("safeEVIL");
        assertThat(Sanitizer.clean("ding\u0007\u0008")).isEqualTo("ding");
        assertThat(Sanitizer.clean("abc\u202Edcba\u2066x\u2069")).isEqualTo("abcdcbax");
    }

    @Test
    void newlinesUnicodeAndEmojiStayAndTabsBecomeSpaces() {
        assertThat(Sanitizer.clean("line 1\nzweite Zeile: ünïcödé 日本 🎉\n\tindented"))
                .isEqualTo("line 1\nzweite Zeile: ünïcödé 日本 🎉\n    indented");
        assertThat(Sanitizer.clean(null)).isEmpty();
    }
}
