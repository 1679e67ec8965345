package dev.parley.assistant;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.parley.assistant.cache.ResponseCache;
import dev.parley.assistant.provider.Cancellation;
import dev.parley.assistant.provider.LlmClient;
import dev.parley.assistant.provider.LlmMessage;
import dev.parley.assistant.provider.LlmRequest;
import dev.parley.assistant.provider.ModelId;
import dev.parley.assistant.provider.ProviderException;
import dev.parley.assistant.ratelimit.TurnRateLimit;
import dev.parley.assistant.tools.RoomTools;
import dev.parley.auth.Caller;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ProtocolException;
import dev.parley.ratelimit.Gcra;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SPEC §3 {@code /api/llm}: the model list, one-shot generation, and a question about the server answered with the
 * tools. {@code generate} takes only a model the server offers, and a prompt (with its system text) within
 * {@code LLM_CONTEXT_TOKENS}: anything else is 400 before any provider is asked.
 */
@Path("/api/llm")
@Authenticated
@RunOnVirtualThread
public class LlmResource {
    private final AssistantConfig config;
    private final ModelCatalog catalog;
    private final LlmClient llm;
    private final TurnRateLimit rateLimit;
    private final ResponseCache cache;
    private final TurnRunner runner;
    private final RoomTools tools;
    private final SystemPrompt prompts;
    private final AssistantMetrics metrics;
    private final SecurityIdentity identity;
    private final TokenCounter tokens;

    /**
     * No token of the tokenizer's vocabulary ({@code cl100k_base}) is longer than 128 bytes, so a text of more than
     * 128 characters per allowed token is over the budget without counting (counting a huge text costs seconds).
     */
    static final int MAX_CHARS_PER_TOKEN = 128;

    LlmResource(AssistantConfig config, ModelCatalog catalog, LlmClient llm, TurnRateLimit rateLimit, ResponseCache cache, TurnRunner runner,
            RoomTools tools, SystemPrompt prompts, AssistantMetrics metrics, SecurityIdentity identity, TokenCounter tokens) {
        this.config = config;
        this.catalog = catalog;
        this.llm = llm;
        this.rateLimit = rateLimit;
        this.cache = cache;
        this.runner = runner;
        this.tools = tools;
        this.prompts = prompts;
        this.metrics = metrics;
        this.identity = identity;
        this.tokens = tokens;
    }

    @RegisterForReflection
    public record Models(String defaultModel, List<ModelCatalog.Entry> models) {
        @com.fasterxml.jackson.annotation.JsonProperty("default")
        public String defaultModel() {
            return defaultModel;
        }
    }

    @RegisterForReflection
    public record GenerateBody(String prompt, String model, String system) {
    }

    @RegisterForReflection
    public record Generated(String response, String model, boolean cached, MessageView.Usage usage) {
    }

    @RegisterForReflection
    public record ChatBody(String message) {
    }

    @RegisterForReflection
    public record ChatAnswer(String response) {
    }

    @GET
    @Path("/models")
    public Models models() {
        return new Models(config.model(), catalog.list());
    }

    @POST
    @Path("/generate")
    public Generated generate(GenerateBody body) {
        if (body == null || body.prompt() == null || body.prompt().isBlank()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "prompt is required");
        }
        String model = body.model() == null || body.model().isBlank() ? config.model() : body.model();
        try {
            catalog.validate(model);
        } catch (IllegalArgumentException | ProviderException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
        if (!catalog.offers(model)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "this server does not offer the model " + model + "; GET /api/llm/models lists them");
        }
        int budget = config.contextTokens();
        long chars = (long) body.prompt().length() + (body.system() == null ? 0 : body.system().length());
        if (chars > (long) budget * MAX_CHARS_PER_TOKEN) {
            throw tooLong();
        }
        long start = System.nanoTime();
        String key = ResponseCache.key("generate", model, body.system(), body.prompt());
        // the rate limit and the cached answer in one round trip to Redis, before the tokens are counted: counting costs
        // time, so it happens only within the caller's rate
        Gcra.Read admitted = rateLimit.admit(Caller.of(identity).username(), key);
        refuseOver(admitted.decision());
        if (tokens.count(body.prompt()) + tokens.count(body.system()) > budget) {
            throw tooLong();
        }
        Optional<ResponseCache.Entry> hit = cache.found(admitted.value());
        if (hit.isPresent()) {
            ResponseCache.Entry e = hit.get();
            metrics.turn("cached", Duration.ofNanos(System.nanoTime() - start));
            return new Generated(e.text(), e.model(), true, new MessageView.Usage(e.inputTokens(), e.outputTokens()));
        }
        StringBuilder text = new StringBuilder();
        LlmRequest request = new LlmRequest(null, body.system(), List.of(new LlmMessage.User(body.prompt())), List.of(), config.maxTokens());
        try {
            LlmClient.Completion c = llm.complete(model, request, new LlmClient.Sink(text::append), new Cancellation());
            metrics.tokens(c.reply().inputTokens(), c.reply().outputTokens());
            metrics.turn("ok", Duration.ofNanos(System.nanoTime() - start));
            cache.put(key, new ResponseCache.Entry(text.toString(), c.modelId(), c.reply().inputTokens(), c.reply().outputTokens(), null));
            return new Generated(text.toString(), c.modelId(), false, new MessageView.Usage(c.reply().inputTokens(), c.reply().outputTokens()));
        } catch (ProviderException e) {
            metrics.turn("error", Duration.ofNanos(System.nanoTime() - start));
            throw new ProtocolException(TurnRunner.code(e), runner.explain(e, model));
        }
    }

    @POST
    @Path("/chat")
    public ChatAnswer chat(ChatBody body) {
        if (body == null || body.message() == null || body.message().isBlank()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "message is required");
        }
        String model = config.model();
        try {
            llm.provider(ModelId.parse(model)).configurationProblem().ifPresent(problem -> {
                throw new ProtocolException(ErrorCode.INTERNAL, problem);
            });
        } catch (IllegalArgumentException | ProviderException e) {
            throw new ProtocolException(ErrorCode.INTERNAL, "LLM_MODEL is invalid: " + e.getMessage());
        }
        limit();
        Caller caller = Caller.of(identity);
        RoomTools.Scope scope = new RoomTools.Scope(null, null, caller);
        StringBuilder text = new StringBuilder();
        long start = System.nanoTime();
        try {
            ArrayNode toolLog = JsonNodeFactory.instance.arrayNode();
            List<LlmMessage> messages = new ArrayList<>(List.of(new LlmMessage.User(body.message())));
            TurnRunner.Answer a = runner.answer(model, prompts.forServer(caller.username()), messages, tools.specs(scope), scope,
                    new LlmClient.Sink(text::append), null, toolLog);
            metrics.tokens(a.in(), a.out());
            metrics.turn("ok", Duration.ofNanos(System.nanoTime() - start));
            return new ChatAnswer(text.toString());
        } catch (ProviderException e) {
            metrics.turn("error", Duration.ofNanos(System.nanoTime() - start));
            throw new ProtocolException(TurnRunner.code(e), runner.explain(e, model));
        }
    }

    private ProtocolException tooLong() {
        return new ProtocolException(ErrorCode.BAD_REQUEST,
                "the prompt and system text are longer than LLM_CONTEXT_TOKENS (" + config.contextTokens() + " tokens)");
    }

    private void limit() {
        refuseOver(rateLimit.admit(Caller.of(identity).username(), null).decision());
    }

    private static void refuseOver(Gcra.Decision d) {
        if (!d.allowed()) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many assistant requests; try again later", d.retryAfterMs());
        }
    }
}
