package dev.parley.cli;

/**
 * Makes other people's text safe to print on a terminal (the terminal's twin of XSS): escape sequences (CSI, OSC,
 * DCS and the rest) are removed whole, other C0/C1 control characters and bidirectional overrides are dropped,
 * tabs become spaces. Newlines stay.
 */
public final class Sanitizer {
    private static final char ESC = 0x1B;

    private Sanitizer() {
    }

    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ESC || c == 0x9B || c == 0x9D || c == 0x90) {
                i = skipEscape(text, i);
                continue;
            }
            if (c == '\n') {
                out.append(c);
            } else if (c == '\t') {
                out.append("    ");
            } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || isBidiControl(c)) {
                // dropped: a bell, a carriage return that would overwrite the line, a direction override…
            } else {
                out.append(c);
            }
            i++;
        }
        return out.toString();
    }

    /** Index just past the escape sequence that starts at {@code start}. */
    private static int skipEscape(String s, int start) {
        int n = s.length();
        char c = s.charAt(start);
        int i = start + 1;
        char kind;
        if (c == ESC) {
            if (i >= n) {
                return i;
            }
            kind = s.charAt(i);
            i++;
        } else {
            kind = c == 0x9B ? '[' : c == 0x9D ? ']' : 'P';
        }
        switch (kind) {
            case '[' -> {
                // CSI: parameter and intermediate bytes, then one final byte 0x40–0x7E
                while (i < n && s.charAt(i) >= 0x20 && s.charAt(i) <= 0x3F) {
                    i++;
                }
                while (i < n && s.charAt(i) >= 0x20 && s.charAt(i) <= 0x2F) {
                    i++;
                }
                return i < n && s.charAt(i) >= 0x40 && s.charAt(i) <= 0x7E ? i + 1 : i;
            }
            case ']', 'P', 'X', '^', '_' -> {
                // OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \)
                while (i < n) {
                    char d = s.charAt(i);
                    if (d == 0x07 || d == 0x9C) {
                        return i + 1;
                    }
                    if (d == ESC && i + 1 < n && s.charAt(i + 1) == '\\') {
                        return i + 2;
                    }
                    i++;
                }
                return n;
            }
            default -> {
                // two-byte escapes (ESC c, ESC 7…), with intermediates (ESC ( B)
                while (kind >= 0x20 && kind <= 0x2F && i < n) {
                    kind = s.charAt(i);
                    i++;
                }
                return i;
            }
        }
    }

    private static boolean isBidiControl(char c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F
                || c == 0x061C;
    }
}
