package dev.parley.message;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The body of a {@code MESSAGE} bus message: a room id, then the {@code message} frames of one commit in that room,
 * in seq order, one per line ({@code <roomId>\n<frame>\n<frame>…}). JSON text has no raw line break (Jackson writes
 * one inside a string as {@code \n}), so a line is a whole frame. One publish per room and commit instead of one per
 * message: each publish is a write to Redis and a read back by every node (docs/performance.md, "The cluster bus,
 * one publish per commit").
 */
final class BusBatch {
    private BusBatch() {
    }

    /**
     * The bodies that carry {@code frames} of room {@code roomId}: as few as fit in {@code maxChars} each (a frame
     * longer than that goes alone).
     */
    static List<String> bodies(long roomId, List<String> frames, int maxChars) {
        List<String> bodies = new ArrayList<>(1);
        String head = Long.toString(roomId);
        StringBuilder body = new StringBuilder(head);
        for (String frame : frames) {
            if (body.length() > head.length() && body.length() + 1 + frame.length() > maxChars) {
                bodies.add(body.toString());
                body.setLength(0);
                body.append(head);
            }
            body.append('\n').append(frame);
        }
        if (body.length() > head.length()) {
            bodies.add(body.toString());
        }
        return bodies;
    }

    /** The room id of {@code body}. */
    static long room(String body) {
        int cut = body.indexOf('\n');
        return Long.parseLong(body, 0, cut < 0 ? body.length() : cut, 10);
    }

    /** Each frame of {@code body}, in order. */
    static void frames(String body, Consumer<String> each) {
        int from = body.indexOf('\n') + 1;
        while (from > 0 && from < body.length()) {
            int end = body.indexOf('\n', from);
            if (end < 0) {
                end = body.length();
            }
            each.accept(body.substring(from, end));
            from = end + 1;
        }
    }
}
