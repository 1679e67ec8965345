package dev.parley.assistant.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.assistant.AssistantConfig;
import io.vertx.core.http.HttpMethod;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Anthropic's Messages API, {@code POST <base>/v1/messages} with {@code stream: true} (server-sent events:
 * {@code message_start}, {@code content_block_*} with {@code text_delta} and {@code input_json_delta},
 * {@code message_delta}, {@code message_stop}, {@code error}) and {@code GET <base>/v1/models}. Errors are told
 * apart by Anthropic's documented error types; {@code retry-after} is handed to the retry logic.
 */
@Singleton
public class AnthropicProvider implements Provider {
    private final StreamingHttp http;
    private final AssistantConfig config;
    private final ObjectMapper json = new ObjectMapper();

    AnthropicProvider(StreamingHttp http, AssistantConfig config) {
        this.http = http;
        this.config = config;
    }

    @Override
    public String name() {
        return "anthropic";
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
        try (StreamingHttp.Response response = http.send(HttpMethod.POST, Urls.trim(config.anthropic().baseUrl()) + "/v1/messages",
                headers(), body(request).toString(), config.timeout(), cancellation)) {
            if (response.status() != 200) {
                throw error(response.status(), response.body(), HttpErrors.retryAfter(response));
            }
            return read(response, onText);
        }
    }

    private ObjectNode body(LlmRequest request) {
        ObjectNode body = json.createObjectNode();
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
                                .set("input", HttpErrors.parse(c.arguments()));
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
                        .set("input_schema", HttpErrors.parse(t.parametersJson()));
            }
        }
        return body;
    }

    private LlmReply read(StreamingHttp.Response response, Consumer<String> onText) {
        StringBuilder text = new StringBuilder();
        Map<Integer, String[]> toolBlocks = new TreeMap<>(); // index -> {id, name}
        Map<Integer, StringBuilder> toolInput = new TreeMap<>();
        int in = 0;
        int out = 0;
        String line;
        while ((line = response.line()) != null) {
            if (!line.startsWith("data:")) {
                continue; // "event: …" lines and the blank line ending each event; the type is also in the data
            }
            JsonNode event = HttpErrors.parse(line.substring(5).strip());
            switch (event.path("type").asText()) {
                case "message_start" -> in = event.path("message").path("usage").path("input_tokens").asInt(0);
                case "content_block_start" -> {
                    JsonNode block = event.path("content_block");
                    if ("tool_use".equals(block.path("type").asText())) {
                        int index = event.path("index").asInt();
                        toolBlocks.put(index, new String[] {block.path("id").asText(), block.path("name").asText()});
                        toolInput.put(index, new StringBuilder());
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
                        toolInput.computeIfAbsent(event.path("index").asInt(), i -> new StringBuilder())
                                .append(delta.path("partial_json").asText(""));
                    }
                }
                case "message_delta" -> out = event.path("usage").path("output_tokens").asInt(out);
                case "message_stop" -> {
                    List<LlmMessage.ToolCall> calls = new ArrayList<>();
                    toolBlocks.forEach((index, idName) -> {
                        String args = toolInput.get(index).toString();
                        calls.add(new LlmMessage.ToolCall(idName[0], idName[1], args.isBlank() ? "{}" : args));
                    });
                    return new LlmReply(text.toString(), calls, in, out);
                }
                case "error" -> throw error(0, event.toString(), null);
                default -> {
                    // ping and future event types are ignored, as Anthropic's versioning policy asks
                }
            }
        }
        throw new ProviderException(ProviderException.Kind.SERVER, "anthropic closed the stream before message_stop");
    }

    /** Classifies by Anthropic's error type ({@code rate_limit_error}, {@code overloaded_error}, {@code billing_error}, …). */
    static ProviderException error(int status, String body, Duration retryAfter) {
        JsonNode error = HttpErrors.parse(body).path("error");
        String type = error.path("type").asText("");
        String message = "anthropic: " + type + (error.has("message") ? ": " + error.path("message").asText() : " " + HttpErrors.abbreviate(body));
        if (type.equals("billing_error") || HttpErrors.mentionsSpendLimit(error.path("message").asText())) {
            return new ProviderException(ProviderException.Kind.SPEND_LIMIT, message);
        }
        return switch (type) {
            case "rate_limit_error" -> new ProviderException(ProviderException.Kind.RATE_LIMITED, message, retryAfter);
            case "overloaded_error", "api_error", "timeout_error" -> new ProviderException(ProviderException.Kind.SERVER, message, retryAfter);
            case "authentication_error", "permission_error" -> new ProviderException(ProviderException.Kind.AUTH, message);
            case "invalid_request_error", "not_found_error", "request_too_large" -> new ProviderException(ProviderException.Kind.REJECTED, message);
            default -> status == 0 ? new ProviderException(ProviderException.Kind.SERVER, message)
                    : HttpErrors.byStatus("anthropic", status, message, retryAfter);
        };
    }

    @Override
    public List<String> models() {
        configurationProblem().ifPresent(p -> {
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, p);
        });
        try (StreamingHttp.Response response = http.send(HttpMethod.GET, Urls.trim(config.anthropic().baseUrl()) + "/v1/models?limit=100",
                headers(), null, config.modelListTimeout(), new Cancellation())) {
            String body = response.body();
            if (response.status() != 200) {
                throw error(response.status(), body, null);
            }
            List<String> ids = new ArrayList<>();
            HttpErrors.parse(body).path("data").forEach(m -> ids.add(m.path("id").asText()));
            return ids;
        }
    }
}
