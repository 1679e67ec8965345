package dev.parley.assistant.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.assistant.AssistantConfig;
import io.vertx.core.http.HttpMethod;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Ollama's {@code POST /api/chat} (NDJSON stream, {@code tool_calls}) and {@code GET /api/tags}. */
@Singleton
public class OllamaProvider implements Provider {
    private static final String NAME = "ollama";
    private final StreamingHttp http;
    private final AssistantConfig config;
    private final ProviderJson json;

    OllamaProvider(StreamingHttp http, AssistantConfig config, ProviderJson json) {
        this.http = http;
        this.config = config;
        this.json = json;
    }

    @Override
    public String name() {
        return NAME;
    }

    private String base() {
        return Urls.trim(config.ollama().baseUrl());
    }

    @Override
    public LlmReply stream(LlmRequest request, Consumer<String> onText, Cancellation cancellation) {
        try (StreamingHttp.Response response = http.send(NAME, HttpMethod.POST, base() + "/api/chat",
                Map.of("Content-Type", "application/json", "Accept", "application/x-ndjson"), body(request).toString(), config.timeout(),
                cancellation)) {
            if (response.status() != 200) {
                throw error(response.status(), response.body(), response);
            }
            return read(response, onText);
        }
    }

    private ObjectNode body(LlmRequest request) {
        ObjectNode body = json.object();
        body.put("model", request.model());
        body.put("stream", true);
        ArrayNode messages = body.putArray("messages");
        if (request.system() != null) {
            messages.addObject().put("role", "system").put("content", request.system());
        }
        for (LlmMessage m : request.messages()) {
            switch (m) {
                case LlmMessage.User u -> messages.addObject().put("role", "user").put("content", u.text());
                case LlmMessage.Assistant a -> {
                    ObjectNode node = messages.addObject().put("role", "assistant").put("content", a.text() == null ? "" : a.text());
                    if (!a.toolCalls().isEmpty()) {
                        ArrayNode calls = node.putArray("tool_calls");
                        for (LlmMessage.ToolCall c : a.toolCalls()) {
                            calls.addObject().putObject("function").put("name", c.name()).set("arguments", json.arguments(c.arguments()));
                        }
                    }
                }
                case LlmMessage.ToolResult r -> messages.addObject().put("role", "tool").put("tool_name", r.name()).put("content", r.content());
            }
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (LlmMessage.ToolSpec t : request.tools()) {
                ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                fn.put("name", t.name()).put("description", t.description()).set("parameters", json.arguments(t.parametersJson()));
            }
        }
        body.putObject("options").put("num_predict", request.maxTokens());
        return body;
    }

    private LlmReply read(StreamingHttp.Response response, Consumer<String> onText) {
        StringBuilder text = new StringBuilder();
        List<LlmMessage.ToolCall> calls = new ArrayList<>();
        String line;
        while ((line = response.line()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode chunk = json.strict(NAME, line);
            if (chunk.has("error")) {
                throw HttpErrors.of(NAME, ProviderException.Kind.SERVER, 0, chunk.path("error").asText(), null);
            }
            JsonNode message = chunk.path("message");
            String piece = message.path("content").asText("");
            if (!piece.isEmpty()) {
                text.append(piece);
                onText.accept(piece);
            }
            for (JsonNode call : message.path("tool_calls")) {
                JsonNode fn = call.path("function");
                JsonNode args = fn.path("arguments");
                String id = call.path("id").asText("call_" + (calls.size() + 1));
                calls.add(new LlmMessage.ToolCall(id, fn.path("name").asText(),
                        args.isMissingNode() ? "{}" : args.isTextual() ? args.asText() : args.toString()));
            }
            if (chunk.path("done").asBoolean(false)) {
                return new LlmReply(text.toString(), calls, chunk.path("prompt_eval_count").asInt(0), chunk.path("eval_count").asInt(0));
            }
        }
        throw new ProviderException(text.isEmpty() ? ProviderException.Kind.SERVER : ProviderException.Kind.PROTOCOL,
                "ollama closed the stream before it was done");
    }

    private ProviderException error(int status, String body, StreamingHttp.Response response) {
        return HttpErrors.byStatus(NAME, status, body, response == null ? null : HttpErrors.retryAfter(response));
    }

    @Override
    public List<String> models() {
        return ProviderJson.each(http.getJson(NAME, base() + "/api/tags", Map.of("Accept", "application/json"), config.modelListTimeout(),
                this::error).path("models"), "name");
    }
}
