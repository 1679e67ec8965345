package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ServerEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** What the chat shows for the server's frames (its listener side, with a plain screen). */
class ChatTest {
    private static final String TS = "2026-11-21T21:04:05.123Z";
    private final StringWriter out = new StringWriter();
    private final Chat chat;

    ChatTest() throws Exception {
        Options options = Options.parse(List.of("--room", "lobby"), Map.of());
        chat = new Chat(options, null, null, new Screen.Plain(new PrintWriter(out)), new Renderer(false, ZoneOffset.UTC),
                Main.json(), "alice", ConcurrentHashMap.newKeySet());
    }

    private List<String> lines() {
        return out.toString().lines().toList();
    }

    private static MessageView reply(String turnId, String text, Boolean cancelled) {
        return new MessageView("lobby", 9, 9, null, "assistant", MessageKind.ASSISTANT, text, TS, "ollama/x", turnId, false,
                null, cancelled, null);
    }

    @Test
    void aStreamedReplyIsShownOnceAsItArrivesNotAgainWhenStored() {
        chat.onEvent(new ServerEvent.Joined("lobby", 1, List.of(), List.of(), 0, false));
        chat.onEvent(new ServerEvent.AssistantStart("lobby", "t1", 1, "ollama/x", null, "assistant"));
        chat.onEvent(new ServerEvent.AssistantDelta("lobby", "t1", "Hel"));
        chat.onEvent(new ServerEvent.AssistantDelta("lobby", "t1", "lo\u001B[2J!"));
        chat.onEvent(reply("t1", "Hello!", null));

        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).endsWith("assistant: Hello!");
    }

    @Test
    void aStoredReplyThatWasNotStreamedIsShownWhole() {
        chat.onEvent(reply("t2", "cached **answer**", null));
        // no room is current here, so every line names its room
        assertThat(lines()).containsExactly("[#lobby] 21:04 assistant: cached answer");
    }

    @Test
    void aCancelledStreamSaysSoAndAnAssistantErrorIsAProblemLine() {
        chat.onEvent(new ServerEvent.AssistantDelta("lobby", "t3", "Half"));
        chat.onEvent(reply("t3", "Half", true));
        chat.onEvent(new ServerEvent.AssistantError("lobby", "t4", ErrorCode.LLM_UNAVAILABLE, "provider down"));
        assertThat(lines()).hasSize(3);
        assertThat(lines().get(0)).endsWith("assistant: Half");
        assertThat(lines().get(1)).isEqualTo("· (cancelled)");
        assertThat(lines().get(2)).isEqualTo("! [#lobby] assistant: llm_unavailable: provider down");
    }

    @Test
    void typingIsShownOncePerStreakAndOwnPresenceIsQuiet() {
        chat.onEvent(new ServerEvent.Presence("lobby", "alice", "online"));
        chat.onEvent(new ServerEvent.Presence("lobby", "bob", "online"));
        chat.onEvent(new ServerEvent.TypingEvent("lobby", "bob", true));
        chat.onEvent(new ServerEvent.TypingEvent("lobby", "bob", true));
        chat.onEvent(new MessageView("lobby", 1, 1, null, "bob", MessageKind.USER, "hi", TS, null, null, null, null, null, null));
        chat.onEvent(new ServerEvent.TypingEvent("lobby", "bob", true));
        chat.onEvent(new ServerEvent.TypingEvent("lobby", "alice", true));
        assertThat(lines()).containsExactly("· [#lobby] bob is online", "· [#lobby] bob is typing…", "[#lobby] 21:04 bob: hi",
                "· [#lobby] bob is typing…");
    }

    @Test
    void commandAnswersAndErrorsAreShownSanitised() {
        chat.onEvent(new ServerEvent.CommandResult("lobby", "/who", "Online: bob\u001B]0;x\u0007, alice", null, null));
        chat.onEvent(new ServerEvent.Error(ErrorCode.RATE_LIMITED, "slow down", "c1", 1500L));
        assertThat(lines()).containsExactly("  Online: bob, alice", "! rate_limited: slow down (retry in 2 s)");
    }
}
