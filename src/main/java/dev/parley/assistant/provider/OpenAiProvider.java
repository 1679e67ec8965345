package dev.parley.assistant.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.assistant.AssistantConfig;
import io.vertx.core.http.HttpMethod;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Any OpenAI-compatible chat-completions API: {@code POST <base>/chat/completions} with {@code stream: true} and
 * {@code stream_options.include_usage} (SSE {@code data:} chunks with {@code delta.content} and
 * {@code delta.tool_calls}, ending with {@code data: [DONE]}), and {@code GET <base>/models}.
 */
@Singleton
public class OpenAiProvider implements Provider {
    private static final String NAME = "openai";
    private final StreamingHttp http;
    private final AssistantConfig config;
    private final ProviderJson json;

    OpenAiProvider(StreamingHttp http, AssistantConfig config, ProviderJson json) {
        this.http = http;
        this.config = config;
        this.json = json;
    }

    @Override
    public String name() {
        return NAME;
    }

    private Map<String, String> headers() {
        Map<String, String> h = new HashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Accept", "text/event-stream");
        config.openai().apiKey().filter(k -> !k.isBlank()).ifPresent(k -> h.put("Authorization", "Bearer " + k));
        return h;
    }

    @Override
    public LlmReply stream(LlmRequest request, Consumer<String> onText, Cancellation cancellation) {
        try (StreamingHttp.Response response = http.send(NAME, HttpMethod.POST, Urls.trim(config.openai().baseUrl()) + "/chat/completions",
                headers(), body(request).toString(), config.timeout(), cancellation)) {
            if (response.status() != 200) {
                throw error(response.status(), response.body(), response);
            }
            return read(response, onText);
        }
    }

    /** Which field carries the reply limit: the configured one, else OpenAI's current name for OpenAI itself. */
    static String maxTokensField(String baseUrl, Optional<String> configured) {
        Optional<String> field = configured.map(String::strip).filter(f -> !f.isEmpty());
        if (field.isPresent()) {
            if (!field.get().equals("max_tokens") && !field.get().equals("max_completion_tokens")) {
                throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED,
                        "OPENAI_MAX_TOKENS_FIELD must be max_tokens or max_completion_tokens, not \"" + field.get() + "\"");
            }
            return field.get();
        }
        String host = java.net.URI.create(Urls.trim(baseUrl)).getHost();
        return host != null && host.equalsIgnoreCase("api.openai.com") ? "max_completion_tokens" : "max_tokens";
    }

    private ObjectNode body(LlmRequest request) {
        ObjectNode body = json.object();
        body.put("model", request.model());
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.put(maxTokensField(config.openai().baseUrl(), config.openai().maxTokensField()), request.maxTokens());
        ArrayNode messages = body.putArray("messages");
        if (request.system() != null) {
            messages.addObject().put("role", "system").put("content", request.system());
        }
        for (LlmMessage m : request.messages()) {
            switch (m) {
                case LlmMessage.User u -> messages.addObject().put("role", "user").put("content", u.text());
                case LlmMessage.Assistant a -> {
                    ObjectNode node = messages.addObject().put("role", "assistant");
                    if (a.text() == null || a.text().isEmpty()) {
                        node.putNull("content");
                    } else {
                        node.put("content", a.text());
                    }
                    if (!a.toolCalls().isEmpty()) {
                        ArrayNode calls = node.putArray("tool_calls");
                        for (LlmMessage.ToolCall c : a.toolCalls()) {
                            calls.addObject().put("id", c.id()).put("type", "function").putObject("function")
                                    .put("name", c.name()).put("arguments", c.arguments());
                        }
                    }
                }
                case LlmMessage.ToolResult r -> messages.addObject().put("role", "tool").put("tool_call_id", r.callId()).put("content", r.content());
            }
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (LlmMessage.ToolSpec t : request.tools()) {
                tools.addObject().put("type", "function").putObject("function").put("name", t.name())
                        .put("description", t.description()).set("parameters", json.arguments(t.parametersJson()));
            }
        }
        return body;
    }

    private LlmReply read(StreamingHttp.Response response, Consumer<String> onText) {
        StringBuilder text = new StringBuilder();
        ToolCallParts calls = new ToolCallParts();
        int in = 0;
        int out = 0;
        ServerSentEvents.Event event;
        while ((event = response.event()) != null) {
            String data = event.data().strip();
            if (data.equals("[DONE]")) {
                return new LlmReply(text.toString(), calls.calls(), in, out);
            }
            JsonNode chunk = json.strict(NAME, data);
            if (chunk.has("error")) {
                throw HttpErrors.of(NAME, ProviderException.Kind.SERVER, 0, chunk.path("error").toString(), null);
            }
            if (chunk.hasNonNull("usage")) {
                in = chunk.path("usage").path("prompt_tokens").asInt(in);
                out = chunk.path("usage").path("completion_tokens").asInt(out);
            }
            for (JsonNode choice : chunk.path("choices")) {
                JsonNode delta = choice.path("delta");
                String piece = delta.path("content").asText("");
                if (!delta.path("content").isNull() && !piece.isEmpty()) {
                    text.append(piece);
                    onText.accept(piece);
                }
                for (JsonNode call : delta.path("tool_calls")) {
                    int index = call.path("index").asInt(0);
                    JsonNode fn = call.path("function");
                    calls.name(index, call.hasNonNull("id") ? call.path("id").asText() : null,
                            fn.hasNonNull("name") ? fn.path("name").asText() : null);
                    calls.appendArguments(index, fn.path("arguments").asText(""));
                }
            }
        }
        throw new ProviderException(ProviderException.Kind.SERVER, "openai closed the stream before [DONE]");
    }

    /** Tells a spend limit ({@code insufficient_quota}) from a rate limit, both HTTP 429. */
    ProviderException error(int status, String body, StreamingHttp.Response response) {
        return error(status, json.lenient(body), body, response == null ? null : HttpErrors.retryAfter(response));
    }

    static ProviderException error(int status, JsonNode parsed, String body, java.time.Duration retryAfter) {
        JsonNode error = parsed.path("error");
        String code = error.path("code").asText("") + " " + error.path("type").asText("");
        if (code.contains("insufficient_quota") || (status == 429 && HttpErrors.mentionsSpendLimit(error.path("message").asText()))) {
            return HttpErrors.of(NAME, ProviderException.Kind.SPEND_LIMIT, status, body, null);
        }
        return HttpErrors.byStatus(NAME, status, body, retryAfter);
    }

    @Override
    public List<String> models() {
        return ProviderJson.each(http.getJson(NAME, Urls.trim(config.openai().baseUrl()) + "/models", headers(), config.modelListTimeout(),
                this::error).path("data"), "id");
    }
}
