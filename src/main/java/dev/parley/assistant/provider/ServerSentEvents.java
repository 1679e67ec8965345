package dev.parley.assistant.provider;

/**
 * The event-stream interpretation of the WHATWG HTML standard ("Server-sent events", §9.2.6), fed one line at a
 * time: {@code event}, {@code data}, {@code id} fields (a single leading space of the value dropped), several
 * {@code data} lines joined with {@code \n}, comment lines ({@code :…}) and unknown fields ignored, a blank line
 * dispatches the event, an event without data is not dispatched. {@code retry} is ignored (nothing reconnects here).
 * Written here because no kept SSE parser is on the classpath (Vert.x core has none). Not thread-safe: one reader.
 */
final class ServerSentEvents {

    /** One dispatched event; {@code type} is {@code message} when the stream named none. */
    record Event(String type, String data, String lastEventId) {
    }

    private final StringBuilder data = new StringBuilder();
    private String type = "";
    private String lastEventId = "";
    private boolean first = true;

    /**
     * Feeds one line without its terminator. A line may still hold lone carriage returns (the standard's third line
     * ending): they split it further. Returns the event a blank line dispatched, or null.
     */
    Event line(String line) {
        if (first) {
            first = false;
            if (line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
        }
        if (line.indexOf('\r') < 0) {
            return field(line);
        }
        Event dispatched = null;
        for (String part : line.split("\r", -1)) {
            Event e = field(part);
            if (e != null) {
                dispatched = e; // two events in one record cannot happen with the providers' "\n" framing; keep the last
            }
        }
        return dispatched;
    }

    private Event field(String line) {
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.charAt(0) == ':') {
            return null;
        }
        int colon = line.indexOf(':');
        String name = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (name) {
            case "event" -> type = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            default -> {
                // "retry" and unknown fields are ignored
            }
        }
        return null;
    }

    private Event dispatch() {
        if (data.isEmpty()) {
            type = "";
            return null;
        }
        data.setLength(data.length() - 1);
        Event e = new Event(type.isEmpty() ? "message" : type, data.toString(), lastEventId);
        data.setLength(0);
        type = "";
        return e;
    }
}
