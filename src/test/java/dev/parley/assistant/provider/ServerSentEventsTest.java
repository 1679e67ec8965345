package dev.parley.assistant.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-stream interpretation of the WHATWG HTML standard, §9.2.6, fed line by line. */
class ServerSentEventsTest {

    private static List<ServerSentEvents.Event> parse(String stream) {
        ServerSentEvents parser = new ServerSentEvents();
        List<ServerSentEvents.Event> events = new ArrayList<>();
        // as the line reader hands them over: after the last line break there is no further (empty) line
        String[] lines = stream.split("\n", -1);
        for (String line : stream.endsWith("\n") ? java.util.Arrays.copyOf(lines, lines.length - 1) : lines) {
            ServerSentEvents.Event e = parser.line(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            if (e != null) {
                events.add(e);
            }
        }
        return events;
    }

    @Test
    void severalDataLinesAreJoinedWithLineFeeds() {
        assertThat(parse("data: YHOO\ndata: +2\ndata: 10\n\n"))
                .containsExactly(new ServerSentEvents.Event("message", "YHOO\n+2\n10", ""));
    }

    @Test
    void aJsonDocumentSplitOverDataLinesIsOneEvent() {
        List<ServerSentEvents.Event> events = parse("event: content_block_delta\ndata: {\"type\":\ndata: \"ping\"}\n\n");
        assertThat(events).containsExactly(new ServerSentEvents.Event("content_block_delta", "{\"type\":\n\"ping\"}", ""));
    }

    @Test
    void commentsAreIgnoredAndABlankLineDispatches() {
        assertThat(parse(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n"))
                .containsExactly(new ServerSentEvents.Event("message", "first event", "1"),
                        new ServerSentEvents.Event("message", "second event", ""),
                        new ServerSentEvents.Event("message", " third event", ""));
    }

    @Test
    void anEventWithoutDataIsNotDispatchedAndItsTypeDoesNotLeakIntoTheNext() {
        assertThat(parse("event: ping\n\ndata: after\n\n")).containsExactly(new ServerSentEvents.Event("message", "after", ""));
    }

    @Test
    void emptyDataLinesCountAsLines() {
        assertThat(parse("data\n\ndata\ndata\n\ndata:\n")).containsExactly(new ServerSentEvents.Event("message", "", ""),
                new ServerSentEvents.Event("message", "\n", ""));
    }

    @Test
    void theEventTypeIsKeptAndUnknownFieldsAndRetryAreIgnored() {
        assertThat(parse("event: message_stop\nretry: 1000\nfoo: bar\ndata: {}\n\n"))
                .containsExactly(new ServerSentEvents.Event("message_stop", "{}", ""));
    }

    @Test
    void theLastEventIdIsKeptAcrossEventsAndAnIdWithNulIsIgnored() {
        assertThat(parse("id: 5\ndata: a\n\ndata: b\n\nid: x\u0000y\ndata: c\n\n")).extracting(ServerSentEvents.Event::lastEventId)
                .containsExactly("5", "5", "5");
    }

    @Test
    void crlfAndLoneCarriageReturnsEndLinesToo() {
        assertThat(parse("data: one\r\ndata: two\r\n\r\n")).containsExactly(new ServerSentEvents.Event("message", "one\ntwo", ""));
        ServerSentEvents parser = new ServerSentEvents();
        assertThat(parser.line("data: a\rdata: b\r")).isEqualTo(new ServerSentEvents.Event("message", "a\nb", ""));
    }

    @Test
    void anUnfinishedLastEventIsNotDispatched() {
        assertThat(parse("data: complete\n\ndata: cut off")).containsExactly(new ServerSentEvents.Event("message", "complete", ""));
    }

    @Test
    void aByteOrderMarkAtTheStartIsSkipped() {
        assertThat(parse("\uFEFFdata: x\n\n")).containsExactly(new ServerSentEvents.Event("message", "x", ""));
    }

    @Test
    void onlyOneLeadingSpaceOfAValueIsDropped() {
        assertThat(parse("data:   spaced\n\n")).containsExactly(new ServerSentEvents.Event("message", "  spaced", ""));
    }
}
