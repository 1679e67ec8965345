package dev.parley.cli;

import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what the server says into terminal lines: {@code 21:04 alice: text}, with other people's text sanitised
 * and markdown made readable; quiet status lines ({@code · bob is online}) for presence and typing.
 */
public final class Renderer {
    private static final String[] COLORS = {"\u001B[36m", "\u001B[32m", "\u001B[33m", "\u001B[35m", "\u001B[34m", "\u001B[91m"};
    private static final String ASSISTANT_COLOR = "\u001B[95m";
    private final boolean color;
    private final DateTimeFormatter time;

    public Renderer(boolean color, ZoneId zone) {
        this.color = color;
        this.time = DateTimeFormatter.ofPattern("HH:mm").withZone(zone);
    }

    public boolean color() {
        return color;
    }

    /** A stored message: the first line carries time and sender, further lines are indented under it. */
    public List<String> message(MessageView m) {
        String text = Sanitizer.clean(m.text());
        List<String> lines = new ArrayList<>();
        String head = time(m.ts()) + " " + sender(m.sender(), m.kind()) + ": ";
        if (m.kind() == MessageKind.SYSTEM) {
            lines.add(quiet(time(m.ts()) + " * " + text.replace("\n", " ")));
            return lines;
        }
        List<String> body = m.kind() == MessageKind.ASSISTANT ? Markdown.render(text, color) : List.of(text.split("\n", -1));
        String indent = "      ";
        for (int i = 0; i < body.size(); i++) {
            lines.add(i == 0 ? head + body.get(0) : indent + body.get(i));
        }
        if (Boolean.TRUE.equals(m.cancelled())) {
            lines.add(quiet(indent + "(cancelled)"));
        }
        return lines;
    }

    /** The beginning of a streamed assistant reply's line. */
    public String streamPrefix(String ts, String sender) {
        return time(ts) + " " + sender(sender, MessageKind.ASSISTANT) + ": ";
    }

    /** A piece of a streamed reply, safe to print (markdown is shown as it comes). */
    public String piece(String text) {
        return Sanitizer.clean(text);
    }

    /** A quiet status line: presence, typing, connection state. */
    public String status(String text) {
        return quiet("· " + Sanitizer.clean(text));
    }

    /** An error or refusal, to the user. */
    public String problem(String text) {
        return color ? "\u001B[31m! " + Sanitizer.clean(text) + Markdown.RESET : "! " + Sanitizer.clean(text);
    }

    public String time(String ts) {
        if (ts == null) {
            return time.format(Instant.now());
        }
        try {
            return time.format(Instant.parse(ts));
        } catch (DateTimeParseException e) {
            return "--:--";
        }
    }

    private String sender(String name, MessageKind kind) {
        String clean = Sanitizer.clean(name);
        if (!color) {
            return clean;
        }
        String c = kind == MessageKind.ASSISTANT ? ASSISTANT_COLOR : COLORS[Math.floorMod(clean.hashCode(), COLORS.length)];
        return Markdown.BOLD + c + clean + Markdown.RESET;
    }

    private String quiet(String text) {
        return color ? Markdown.DIM + text + Markdown.RESET : text;
    }
}
