package dev.parley.assistant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * Ollama: {@code POST /api/chat} answers NDJSON, one {@code {"model","created_at","message":{...},"done":false}}
 * per piece (tool calls as {@code message.tool_calls[].function{name,arguments}} with arguments an object), then a
 * final {@code {"done":true,"done_reason":"stop","prompt_eval_count","eval_count"}}; {@code GET /api/tags} lists models.
 */
public final class OllamaStandIn extends StandIn {

    @Override
    protected void stream(HttpExchange exchange, JsonNode request, Step step) throws IOException, InterruptedException {
        Lines out = open(exchange, "application/x-ndjson");
        String model = request.path("model").asText();
        for (int i = 0; i < step.pieces().size(); i++) {
            ObjectNode chunk = object().put("model", model).put("created_at", "2026-11-21T21:04:05.123456Z").put("done", false);
            chunk.putObject("message").put("role", "assistant").put("content", step.pieces().get(i));
            out.write(chunk + "\n");
            if (step.breakAfterFirstPiece()) {
                out.write(object().put("error", "model runner crashed") + "\n");
                return;
            }
            holdIfAsked(step, i);
        }
        if (!step.calls().isEmpty()) {
            ObjectNode chunk = object().put("model", model).put("created_at", "2026-11-21T21:04:05.123456Z").put("done", false);
            ObjectNode message = chunk.putObject("message").put("role", "assistant").put("content", "");
            var calls = message.putArray("tool_calls");
            for (Call c : step.calls()) {
                calls.addObject().putObject("function").put("name", c.name()).set("arguments", JSON.readTree(c.arguments()));
            }
            out.write(chunk + "\n");
        }
        ObjectNode done = object().put("model", model).put("created_at", "2026-11-21T21:04:06.123456Z").put("done", true)
                .put("done_reason", "stop").put("total_duration", 1000000).put("prompt_eval_count", 42).put("eval_count", step.pieces().size());
        done.putObject("message").put("role", "assistant").put("content", "");
        out.write(done + "\n");
    }

    @Override
    protected String errorBody(int status) {
        return object().put("error", status == 404 ? "model not found, try pulling it first" : "server error " + status).toString();
    }

    @Override
    protected String models() {
        ObjectNode doc = object();
        var models = doc.putArray("models");
        models.addObject().put("name", "llama3.2:latest").put("model", "llama3.2:latest").put("size", 2019393189);
        models.addObject().put("name", "qwen2.5:0.5b").put("model", "qwen2.5:0.5b").put("size", 397821319);
        return doc.toString();
    }
}
