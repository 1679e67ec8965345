package dev.parley.assistant;

import dev.parley.assistant.provider.LlmMessage;
import dev.parley.message.HistoryService;
import dev.parley.protocol.MessageKind;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The conversation a turn sends: the room's messages after the last {@code /clear}, up to the one being answered,
 * each attributed to its speaker; read newest first and kept while they fit the token budget, so the oldest are
 * dropped first. System notices ({@code /model}, {@code /clear}) are not sent, but they count against the budget
 * like any line, so a flood of them ends the scan instead of making it read the whole history; and the scan never
 * reads more than {@link #MAX_ROWS} rows, whatever the budget. The assistant's own replies are its turns.
 */
@Singleton
public class ContextBuilder {
    private static final int PAGE = 100;
    /** Most rows one context reads, newest first, whatever {@code LLM_CONTEXT_TOKENS} allows. */
    static final int MAX_ROWS = 1000;
    private final TokenCounter tokens;
    private final AssistantConfig config;
    private final HistoryService history;

    ContextBuilder(TokenCounter tokens, AssistantConfig config, HistoryService history) {
        this.tokens = tokens;
        this.config = config;
        this.history = history;
    }

    /** The messages in order, a stable text of them for the cache key, and their token count. */
    public record Context(List<LlmMessage> messages, String fingerprint, int tokens) {
    }

    public Context build(long roomId, long clearedSeq, long uptoSeq, int budget) {
        List<LlmMessage> newestFirst = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        int used = 0;
        long below = uptoSeq + 1;
        int read = 0;
        outer:
        while (read < MAX_ROWS) {
            long bound = below;
            int size = Math.min(PAGE, MAX_ROWS - read);
            List<HistoryService.Line> page = history.newestBetween(roomId, clearedSeq, bound, size);
            read += page.size();
            for (HistoryService.Line m : page) {
                below = m.seq();
                boolean assistant = m.kind() == MessageKind.ASSISTANT;
                String text = assistant ? m.text() : m.sender() + ": " + m.text();
                int cost = tokens.message(text);
                if (used + cost > budget && !newestFirst.isEmpty()) {
                    break outer;
                }
                used += cost;
                if (m.kind() == MessageKind.SYSTEM) {
                    continue; // counted, not sent
                }
                newestFirst.add(assistant ? new LlmMessage.Assistant(text, List.of()) : new LlmMessage.User(text));
                lines.add((assistant ? "A|" : "U|") + text);
            }
            if (page.size() < size) {
                break;
            }
        }
        Collections.reverse(newestFirst);
        Collections.reverse(lines);
        return new Context(newestFirst, String.join("\n\u0001", lines), used);
    }

    /** The history budget left once the system prompt is counted. */
    public int budget(String systemPrompt) {
        return Math.max(64, config.contextTokens() - tokens.message(systemPrompt));
    }
}
