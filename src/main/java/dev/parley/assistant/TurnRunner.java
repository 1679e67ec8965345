package dev.parley.assistant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.parley.assistant.cache.ResponseCache;
import dev.parley.assistant.provider.LlmClient;
import dev.parley.assistant.provider.LlmMessage;
import dev.parley.assistant.provider.LlmRequest;
import dev.parley.assistant.provider.ProviderException;
import dev.parley.assistant.tools.RoomTools;
import dev.parley.auth.Caller;
import dev.parley.chat.RoomHub;
import dev.parley.message.Draft;
import dev.parley.message.MessageWriter;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.room.RoomService;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Answers one turn: builds the prompt (system prompt naming the room and its members, the room's context since the
 * last {@code /clear}), answers from the cache when it can, otherwise streams the model's reply to the room while
 * running the tools it asks for (at most {@code maxToolRounds} rounds), and stores the reply as the room's next
 * message with its model, usage and tool calls.
 */
@Singleton
public class TurnRunner {
    private static final Logger LOG = Logger.getLogger(TurnRunner.class);
    private final AssistantConfig config;
    private final ContextBuilder contexts;
    private final SystemPrompt prompts;
    private final ResponseCache cache;
    private final LlmClient llm;
    private final RoomTools tools;
    private final MessageWriter writer;
    private final RoomHub hub;
    private final AssistantWorker worker;
    private final AssistantMetrics metrics;
    private final ObjectMapper json;
    private final RoomService rooms;

    TurnRunner(AssistantConfig config, ContextBuilder contexts, SystemPrompt prompts, ResponseCache cache, LlmClient llm,
            RoomTools tools, MessageWriter writer, RoomHub hub, AssistantWorker worker, AssistantMetrics metrics, ObjectMapper json,
            RoomService rooms) {
        this.json = json;
        this.rooms = rooms;
        this.config = config;
        this.contexts = contexts;
        this.prompts = prompts;
        this.cache = cache;
        this.llm = llm;
        this.tools = tools;
        this.writer = writer;
        this.hub = hub;
        this.worker = worker;
        this.metrics = metrics;
    }

    /** Who may see the room: part of the cache key, so a changed membership never reuses an answer. */
    private static String permissions(RoomService.Facts room) {
        return (room.isPrivate() ? "private:" : "public:") + String.join(",", new TreeSet<>(room.members()));
    }

    /**
     * Runs a turn to its end: a stored reply, or {@code assistant_error} for every member. Whatever fails (the
     * database while reading the context, a tool, a bug) ends the turn with {@code internal}; the log has the cause.
     */
    void run(Turn turn) {
        long start = System.nanoTime();
        try {
            answerTurn(turn, start);
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "turn %s in room %s failed", turn.id, turn.room);
            worker.fail(turn, ErrorCode.INTERNAL, "the assistant failed on the server; the error is logged");
            metrics.turn("error", since(start));
        }
    }

    /**
     * What a question in room {@code roomId} (stored as {@code replyTo}) asks the model: the system prompt naming the
     * room and its members, the context since the last {@code /clear} up to the question, and the request's cache key. Empty when the
     * room is gone. Read when the question is admitted, so a turn queued behind another asks about the room as it was
     * when the question came.
     */
    Optional<Prompt> prompt(long roomId, long replyTo, String question, String model, Caller asker) {
        RoomService.Facts room = rooms.facts(roomId).orElse(null);
        if (room == null) {
            return Optional.empty();
        }
        String system = prompts.forRoom(room.name(), room.description(), room.members());
        ContextBuilder.Context context = contexts.build(roomId, room.clearedSeq(), replyTo, contexts.budget(system));
        String key = ResponseCache.key(model, system, context.fingerprint(), question, permissions(room), Boolean.toString(asker.admin()));
        return Optional.of(new Prompt(system, context, key));
    }

    private void answerTurn(Turn turn, long start) {
        if (turn.cancellation.cancelled()) {
            worker.fail(turn, ErrorCode.CANCELLED, "the turn was cancelled");
            metrics.turn("cancelled", since(start));
            return;
        }
        if (turn.cached != null) {
            if (!turn.shown()) {
                return; // the question was lost: nothing to store
            }
            ResponseCache.Entry e = turn.cached;
            turn.delta(hub, e.text());
            store(turn, e.text(), new Draft.Reply(e.model(), turn.id, true, false, e.inputTokens(), e.outputTokens(), e.meta()));
            metrics.turn("cached", since(start));
            return;
        }
        String system = turn.prompt.system();
        ContextBuilder.Context context = turn.prompt.context();
        String key = turn.prompt.cacheKey();
        RoomTools.Scope scope = new RoomTools.Scope(turn.roomId, turn.room, turn.asker);
        AtomicBoolean first = new AtomicBoolean(true);
        LlmClient.Sink sink = new LlmClient.Sink(piece -> {
            if (first.compareAndSet(true, false)) {
                metrics.firstToken(since(start));
            }
            turn.delta(hub, piece);
        });
        String model = turn.model;
        int in = 0;
        int out = 0;
        ArrayNode toolLog = json.createArrayNode();
        try {
            Answer answer = answer(model, system, new ArrayList<>(context.messages()), tools.specs(scope), scope, sink, turn, toolLog);
            model = answer.model();
            in = answer.in();
            out = answer.out();
            metrics.tokens(in, out);
            String text = turn.text();
            if (text.isBlank()) {
                worker.fail(turn, ErrorCode.LLM_ERROR, "the model returned an empty answer");
                metrics.turn("error", since(start));
                return;
            }
            String meta = toolLog.isEmpty() ? null : toolLog.toString();
            store(turn, text, new Draft.Reply(model, turn.id, false, false, in, out, meta));
            cache.put(key, new ResponseCache.Entry(text, model, in, out, meta));
            metrics.turn("ok", since(start));
        } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.CANCELLED) {
                String partial = turn.text();
                if (partial.isEmpty()) {
                    worker.fail(turn, ErrorCode.CANCELLED, "the turn was cancelled");
                } else {
                    store(turn, partial, new Draft.Reply(model, turn.id, false, true, in, out, toolLog.isEmpty() ? null : toolLog.toString()));
                }
                metrics.turn("cancelled", since(start));
                return;
            }
            LOG.infof("turn %s in %s failed: %s", turn.id, turn.room, e.logText());
            worker.fail(turn, code(e), explain(e, turn.model));
            metrics.turn("error", since(start));
        } catch (ProtocolException e) {
            worker.fail(turn, e.code(), e.getMessage());
            metrics.turn("error", since(start));
        }
    }

    /** The result of a whole turn's rounds. */
    record Answer(String model, int in, int out) {
    }

    /**
     * Rounds of model calls: while the model asks for tools (at most {@code maxToolRounds} times), the tools run and
     * their results go back; the last round offers no tools, so the model must answer.
     */
    Answer answer(String model, String system, List<LlmMessage> messages, List<LlmMessage.ToolSpec> specs, RoomTools.Scope scope,
            LlmClient.Sink sink, Turn turn, ArrayNode toolLog) {
        int in = 0;
        int out = 0;
        String current = model;
        for (int round = 1; ; round++) {
            boolean toolsAllowed = round <= config.maxToolRounds() && !specs.isEmpty();
            LlmRequest request = new LlmRequest(null, system, messages, toolsAllowed ? specs : List.of(), config.maxTokens());
            LlmClient.Completion c = llm.complete(current, request, sink, turn == null ? new dev.parley.assistant.provider.Cancellation() : turn.cancellation);
            current = c.modelId();
            in += c.reply().inputTokens();
            out += c.reply().outputTokens();
            if (c.reply().toolCalls().isEmpty() || !toolsAllowed) {
                return new Answer(current, in, out);
            }
            messages.add(new LlmMessage.Assistant(c.reply().text(), c.reply().toolCalls()));
            for (LlmMessage.ToolCall call : c.reply().toolCalls()) {
                String result = tools.run(scope, call);
                messages.add(new LlmMessage.ToolResult(call.id(), call.name(), result));
                var entry = toolLog.addObject().put("round", round).put("id", call.id()).put("name", call.name());
                entry.set("arguments", parse(call.arguments()));
                entry.put("result", result);
            }
        }
    }

    private com.fasterxml.jackson.databind.JsonNode parse(String arguments) {
        try {
            return json.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
        } catch (Exception e) {
            return json.getNodeFactory().textNode(arguments);
        }
    }

    /** Stores the turn's reply (its model, usage and tool calls in {@code reply}) as the assistant's message. */
    private void store(Turn turn, String text, Draft.Reply reply) {
        turn.settle(); // the queue has room again before the reply reaches anyone
        if (!turn.shown()) {
            return; // the question was lost (an abandoned turn streams nothing, so this is for safety)
        }
        Draft draft = Draft.assistant(turn.roomId, turn.room, config.assistantName(), text, reply);
        try {
            writer.submit(draft).join();
            turn.finish(); // stored: whatever fails after this point must not end the turn a second time
        } catch (CompletionException | ProtocolException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            LOG.warnf("storing the reply of turn %s failed: %s", turn.id, cause.toString());
            worker.fail(turn, cause instanceof ProtocolException p ? p.code() : ErrorCode.INTERNAL, "the reply could not be stored");
        }
    }

    /** The protocol code for a provider failure: down or overloaded is {@code llm_unavailable}, the rest {@code llm_error}. */
    public static ErrorCode code(ProviderException e) {
        return switch (e.kind()) {
            case CONNECT, TIMEOUT, SERVER, RATE_LIMITED, UNAVAILABLE, NOT_CONFIGURED -> ErrorCode.LLM_UNAVAILABLE;
            case CANCELLED -> ErrorCode.CANCELLED;
            default -> ErrorCode.LLM_ERROR;
        };
    }

    /**
     * A message for people (Parley's short explanation, never the provider's own words); when the default Ollama is
     * not there, it says how to configure a provider.
     */
    public String explain(ProviderException e, String modelId) {
        if (e.kind() == ProviderException.Kind.CONNECT && modelId.startsWith("ollama/")) {
            return "Ollama is not reachable at " + config.ollama().baseUrl() + ". Start Ollama there (ollama serve; ollama pull "
                    + modelId.substring(7) + "), set OLLAMA_BASE_URL, or configure another provider: LLM_MODEL=anthropic/<model> with "
                    + "ANTHROPIC_API_KEY, or LLM_MODEL=openai/<model> with OPENAI_API_KEY and OPENAI_BASE_URL.";
        }
        return e.getMessage();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
