package dev.parley.assistant.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private final StreamingHttp http;
    private final AssistantConfig config;
    private final ObjectMapper json = new ObjectMapper();

    OllamaProvider(StreamingHttp http, AssistantConfig config) {
        this.http = http;
        this.config = config;
    }

    @Override
    public String name() {
        return "ollama";
    }

    private String base() {
        return Urls.trim(config.ollama().baseUrl());
    }

    @Override
    public LlmReply stream(LlmRequest request, Consumer<String> onText, Cancellation cancellation) {
        ObjectNode body = json.createObjectNode();
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
                            calls.addObject().putObject("function").put("name", c.name()).set("arguments", HttpErrors.parse(c.arguments()));
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
                fn.put("name", t.name()).put("description", t.description()).set("parameters", HttpErrors.parse(t.parametersJson()));
            }
        }
        body.putObject("options").put("num_predict", request.maxTokens());

        try (StreamingHttp.Response response = http.send(HttpMethod.POST, base() + "/api/chat",
                Map.of("Content-Type", "application/json", "Accept", "application/x-ndjson"), body.toString(), config.timeout(), cancellation)) {
            if (response.status() != 200) {
                String text = response.body();
                throw HttpErrors.byStatus("ollama", response.status(), HttpErrors.parse(text).path("error").asText(HttpErrors.abbreviate(text)),
                        HttpErrors.retryAfter(response));
            }
            StringBuilder text = new StringBuilder();
            List<LlmMessage.ToolCall> calls = new ArrayList<>();
            int in = 0;
            int out = 0;
            String line;
            while ((line = response.line()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode chunk = HttpErrors.parse(line);
                if (chunk.has("error")) {
                    throw new ProviderException(ProviderException.Kind.SERVER, "ollama: " + chunk.path("error").asText());
                }
                JsonNode message = chunk.path("message");
                String piece = message.path("content").asText("");
                if (!piece.isEmpty()) {
                    text.append(piece);
                    onText.accept(piece);
                }
                for (JsonNode call : message.path("tool_calls")) {
                    JsonNode fn = call.path("function");
                    String id = call.path("id").asText("call_" + (calls.size() + 1));
                    calls.add(new LlmMessage.ToolCall(id, fn.path("name").asText(), fn.path("arguments").isMissingNode()
                            ? "{}" : fn.path("arguments").isTextual() ? fn.path("arguments").asText() : fn.path("arguments").toString()));
                }
                if (chunk.path("done").asBoolean(false)) {
                    in = chunk.path("prompt_eval_count").asInt(0);
                    out = chunk.path("eval_count").asInt(0);
                    return new LlmReply(text.toString(), calls, in, out);
                }
            }
            throw new ProviderException(text.isEmpty() ? ProviderException.Kind.SERVER : ProviderException.Kind.PROTOCOL,
                    "ollama closed the stream before \"done\"");
        }
    }

    @Override
    public List<String> models() {
        try (StreamingHttp.Response response = http.send(HttpMethod.GET, base() + "/api/tags", Map.of("Accept", "application/json"),
                null, config.modelListTimeout(), new Cancellation())) {
            String body = response.body();
            if (response.status() != 200) {
                throw HttpErrors.byStatus("ollama", response.status(), HttpErrors.abbreviate(body), null);
            }
            List<String> names = new ArrayList<>();
            for (JsonNode m : HttpErrors.parse(body).path("models")) {
                names.add(m.path("name").asText());
            }
            return names;
        }
    }
}
