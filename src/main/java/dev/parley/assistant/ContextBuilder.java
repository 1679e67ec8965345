package dev.parley.assistant;

import dev.parley.assistant.provider.LlmMessage;
import dev.parley.message.Message;
import dev.parley.protocol.MessageKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The conversation a turn sends: the room's messages after the last {@code /clear}, up to the one being answered,
 * each attributed to its speaker; read newest first and kept while they fit the token budget, so the oldest are
 * dropped first. System notices are left out; the assistant's own replies are its turns.
 */
@Singleton
public class ContextBuilder {
    private static final int PAGE = 100;
    private final TokenCounter tokens;
    private final AssistantConfig config;

    ContextBuilder(TokenCounter tokens, AssistantConfig config) {
        this.tokens = tokens;
        this.config = config;
    }

    /** The messages in order, a stable text of them for the cache key, and their token count. */
    public record Context(List<LlmMessage> messages, String fingerprint, int tokens) {
    }

    public Context build(long roomId, long clearedSeq, long uptoSeq, int budget) {
        List<LlmMessage> newestFirst = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        int used = 0;
        long below = uptoSeq + 1;
        outer:
        while (true) {
            long bound = below;
            List<Message> page = QuarkusTransaction.requiringNew().call(() -> Message.<Message>find(
                    "roomId = ?1 and seq > ?2 and seq < ?3 order by seq desc", roomId, clearedSeq, bound).page(0, PAGE).list());
            for (Message m : page) {
                below = m.seq;
                if (m.kind == MessageKind.SYSTEM) {
                    continue;
                }
                boolean assistant = m.kind == MessageKind.ASSISTANT;
                String text = assistant ? m.text : m.sender + ": " + m.text;
                int cost = tokens.message(text);
                if (used + cost > budget && !newestFirst.isEmpty()) {
                    break outer;
                }
                used += cost;
                newestFirst.add(assistant ? new LlmMessage.Assistant(text, List.of()) : new LlmMessage.User(text));
                lines.add((assistant ? "A|" : "U|") + text);
            }
            if (page.size() < PAGE) {
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
