package dev.parley.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shows markdown readably in a terminal: fenced code blocks are kept verbatim behind a gutter, headings and
 * {@code **bold**} are bold (or plain without colour), links read {@code text <url>}; everything else, lists and
 * inline {@code `code`} included, is left as written. Input must already be sanitised.
 */
public final class Markdown {
    static final String BOLD = "\u001B[1m";
    static final String DIM = "\u001B[2m";
    static final String RESET = "\u001B[0m";
    private static final Pattern BOLD_SPAN = Pattern.compile("\\*\\*(?=\\S)(.+?)(?<=\\S)\\*\\*");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)]\\((\\S+?)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");

    private Markdown() {
    }

    /** The lines to print for {@code text}. */
    public static List<String> render(String text, boolean color) {
        List<String> out = new ArrayList<>();
        boolean inCode = false;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("```")) {
                inCode = !inCode;
                String lang = trimmed.substring(3).strip();
                out.add(inCode ? gutter(color) + (lang.isEmpty() ? "" : dim(lang, color)) : gutter(color));
                continue;
            }
            if (inCode) {
                out.add(gutter(color) + line);
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                out.add(color ? BOLD + inline(heading.group(1), false) + RESET : inline(heading.group(1), false).toUpperCase());
                continue;
            }
            out.add(inline(line, color));
        }
        return out;
    }

    private static String inline(String line, boolean color) {
        String s = LINK.matcher(line).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + " <" + m.group(2) + ">"));
        return BOLD_SPAN.matcher(s).replaceAll(m -> Matcher.quoteReplacement(color ? BOLD + m.group(1) + RESET : m.group(1)));
    }

    private static String gutter(boolean color) {
        return color ? DIM + "  │ " + RESET : "  | ";
    }

    private static String dim(String s, boolean color) {
        return color ? DIM + s + RESET : s;
    }
}
