package dev.parley.assistant.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.assistant.AssistantConfig;
import io.vertx.core.http.HttpMethod;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Anthropic's Messages API, {@code POST <base>/v1/messages} with {@code stream: true} (server-sent events:
 * {@code message_start}, {@code content_block_*} with {@code text_delta} and {@code input_json_delta},
 * {@code message_delta}, {@code message_stop}, {@code error}) and {@code GET <base>/v1/models}. Errors are told
 * apart by Anthropic's documented error types; {@code retry-after} is handed to the retry logic.
 */
@Singleton
public class AnthropicProvider implements Provider {
    private static final String NAME = "anthropic";
    private final StreamingHttp http;
    private final AssistantConfig config;
    private final ProviderJson json;

    AnthropicProvider(StreamingHttp http, AssistantConfig config, ProviderJson json) {
        this.http = http;
        this.config = config;
        this.json = json;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> configurationProblem() {
        return config.anthropic().apiKey().filter(k -> !k.isBlank()).isPresent() ? Optional.empty()
                : Optional.of("ANTHROPIC_API_KEY environment variable is not set");
    }

    private Map<String, String> headers() {
        return Map.of("x-api-key", config.anthropic().apiKey().orElse(""), "anthropic-version", config.anthropic().version(),
                "Content-Type", "application/json", "Accept", "text/event-stream");
    }

    @Override
    public LlmReply stream(LlmRequest request, Consumer<String> onText, Cancellation cancellation) {
        configurationProblem().ifPresent(p -> {
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, p);
        });
        try (StreamingHttp.Response response = http.send(NAME, HttpMethod.POST, Urls.trim(config.anthropic().baseUrl()) + "/v1/messages",
                headers(), body(request).toString(), config.timeout(), cancellation)) {
            if (response.status() != 200) {
                throw error(response.status(), response.body(), response);
            }
            return read(response, onText);
        }
    }

    private ObjectNode body(LlmRequest request) {
        ObjectNode body = json.object();
        body.put("model", request.model());
        body.put("max_tokens", request.maxTokens());
        body.put("stream", true);
        if (request.system() != null) {
            body.put("system", request.system());
        }
        ArrayNode messages = body.putArray("messages");
        String lastRole = null;
        ArrayNode content = null;
        for (LlmMessage m : request.messages()) {
            String role = m instanceof LlmMessage.Assistant ? "assistant" : "user";
            if (lastRole == null && role.equals("assistant")) {
                messages.addObject().put("role", "user").putArray("content").addObject().put("type", "text").put("text", "(earlier conversation)");
                lastRole = "user";
            }
            if (!role.equals(lastRole)) {
                content = messages.addObject().put("role", role).putArray("content");
                lastRole = role;
            }
            switch (m) {
                case LlmMessage.User u -> content.addObject().put("type", "text").put("text", u.text());
                case LlmMessage.Assistant a -> {
                    if (a.text() != null && !a.text().isEmpty()) {
                        content.addObject().put("type", "text").put("text", a.text());
                    }
                    for (LlmMessage.ToolCall c : a.toolCalls()) {
                        content.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name())
                                .set("input", json.arguments(c.arguments()));
                    }
                }
                case LlmMessage.ToolResult r -> content.addObject().put("type", "tool_result").put("tool_use_id", r.callId())
                        .put("content", r.content());
            }
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (LlmMessage.ToolSpec t : request.tools()) {
                tools.addObject().put("name", t.name()).put("description", t.description())
                        .set("input_schema", json.arguments(t.parametersJson()));
            }
        }
        return body;
    }

    private LlmReply read(StreamingHttp.Response response, Consumer<String> onText) {
        StringBuilder text = new StringBuilder();
        ToolCallParts calls = new ToolCallParts();
        int in = 0;
        int out = 0;
        ServerSentEvents.Event sse;
        while ((sse = response.event()) != null) {
            JsonNode event = json.strict(NAME, sse.data());
            switch (event.path("type").asText()) {
                case "message_start" -> in = event.path("message").path("usage").path("input_tokens").asInt(0);
                case "content_block_start" -> {
                    JsonNode block = event.path("content_block");
                    if ("tool_use".equals(block.path("type").asText())) {
                        calls.name(event.path("index").asInt(), block.path("id").asText(), block.path("name").asText());
                    }
                }
                case "content_block_delta" -> {
                    JsonNode delta = event.path("delta");
                    if ("text_delta".equals(delta.path("type").asText())) {
                        String piece = delta.path("text").asText("");
                        if (!piece.isEmpty()) {
                            text.append(piece);
                            onText.accept(piece);
                        }
                    } else if ("input_json_delta".equals(delta.path("type").asText())) {
                        calls.appendArguments(event.path("index").asInt(), delta.path("partial_json").asText(""));
                    }
                }
                case "message_delta" -> out = event.path("usage").path("output_tokens").asInt(out);
                case "message_stop" -> {
                    return new LlmReply(text.toString(), calls.calls(), in, out);
                }
                case "error" -> throw error(0, event, sse.data(), null);
                default -> {
                    // ping and future event types are ignored, as Anthropic's versioning policy asks
                }
            }
        }
        throw new ProviderException(ProviderException.Kind.SERVER, "anthropic closed the stream before message_stop");
    }

    private ProviderException error(int status, String body, StreamingHttp.Response response) {
        return error(status, json.lenient(body), body, HttpErrors.retryAfter(response));
    }

    /** Classifies by Anthropic's documented error type ({@code rate_limit_error}, {@code overloaded_error}, {@code billing_error}, …). */
    static ProviderException error(int status, JsonNode parsed, String body, Duration retryAfter) {
        JsonNode error = parsed.path("error");
        String type = error.path("type").asText("");
        if (type.equals("billing_error") || HttpErrors.mentionsSpendLimit(error.path("message").asText())) {
            return HttpErrors.of(NAME, ProviderException.Kind.SPEND_LIMIT, status, body, null);
        }
        ProviderException.Kind kind = switch (type) {
            case "rate_limit_error" -> ProviderException.Kind.RATE_LIMITED;
            case "overloaded_error", "api_error", "timeout_error" -> ProviderException.Kind.SERVER;
            case "authentication_error", "permission_error" -> ProviderException.Kind.AUTH;
            case "invalid_request_error", "not_found_error", "request_too_large" -> ProviderException.Kind.REJECTED;
            default -> null;
        };
        if (kind == null) {
            return status == 0 ? HttpErrors.of(NAME, ProviderException.Kind.SERVER, 0, body, null)
                    : HttpErrors.byStatus(NAME, status, body, retryAfter);
        }
        // the type is one of the documented constants above, so naming it tells people nothing from the body
        ProviderException e = HttpErrors.of(NAME, kind, status, body, kind.retriable ? retryAfter : null);
        return new ProviderException(kind, e.getMessage() + ", " + type, e.detail(), e.retryAfter());
    }

    @Override
    public List<String> models() {
        configurationProblem().ifPresent(p -> {
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, p);
        });
        return ProviderJson.each(http.getJson(NAME, Urls.trim(config.anthropic().baseUrl()) + "/v1/models?limit=100", headers(),
                config.modelListTimeout(), this::error).path("data"), "id");
    }
}
