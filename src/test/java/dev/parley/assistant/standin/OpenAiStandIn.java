package dev.parley.assistant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * OpenAI chat completions: {@code POST /v1/chat/completions} with {@code stream: true} answers SSE
 * {@code data: {"choices":[{"index":0,"delta":{...},"finish_reason":null}]}} chunks (tool calls as
 * {@code delta.tool_calls[{index,id,type,function{name,arguments}}]} with the arguments in fragments), a usage
 * chunk when {@code stream_options.include_usage} is set, and {@code data: [DONE]}.
 */
public final class OpenAiStandIn extends StandIn {

    @Override
    protected void stream(HttpExchange exchange, JsonNode request, Step step) throws IOException, InterruptedException {
        Lines out = open(exchange, "text/event-stream");
        String model = request.path("model").asText();
        data(out, chunk(model, object().put("role", "assistant").put("content", ""), null));
        for (int i = 0; i < step.pieces().size(); i++) {
            data(out, chunk(model, object().put("content", step.pieces().get(i)), null));
            if (step.breakAfterFirstPiece()) {
                return; // the connection ends without [DONE]
            }
            holdIfAsked(step, i);
        }
        for (int i = 0; i < step.calls().size(); i++) {
            Call c = step.calls().get(i);
            ObjectNode first = object();
            ObjectNode call = first.putArray("tool_calls").addObject().put("index", i).put("id", "call_" + i).put("type", "function");
            call.putObject("function").put("name", c.name()).put("arguments", "");
            data(out, chunk(model, first, null));
            String args = c.arguments();
            int half = args.length() / 2;
            for (String part : new String[] {args.substring(0, half), args.substring(half)}) {
                ObjectNode delta = object();
                delta.putArray("tool_calls").addObject().put("index", i).putObject("function").put("arguments", part);
                data(out, chunk(model, delta, null));
            }
        }
        data(out, chunk(model, object(), step.calls().isEmpty() ? "stop" : "tool_calls"));
        if (request.path("stream_options").path("include_usage").asBoolean()) {
            ObjectNode usage = object().put("id", "chatcmpl-standin").put("object", "chat.completion.chunk").put("model", model);
            usage.putArray("choices");
            usage.putObject("usage").put("prompt_tokens", 42).put("completion_tokens", step.pieces().size())
                    .put("total_tokens", 42 + step.pieces().size());
            data(out, usage);
        }
        out.write("data: [DONE]\n\n");
    }

    private static ObjectNode chunk(String model, ObjectNode delta, String finish) {
        ObjectNode chunk = object().put("id", "chatcmpl-standin").put("object", "chat.completion.chunk").put("created", 1763759045L)
                .put("model", model);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return chunk;
    }

    private static void data(Lines out, ObjectNode data) throws IOException {
        out.write("data: " + data + "\n\n");
    }

    @Override
    protected String errorBody(int status) {
        ObjectNode body = object();
        body.putObject("error").put("message", "stand-in error " + status).put("type", status == 429 ? "requests" : "server_error")
                .put("code", status == 429 ? "rate_limit_exceeded" : null);
        return body.toString();
    }

    /** OpenAI's spend-limit answer: HTTP 429 with code {@code insufficient_quota}. */
    public static String insufficientQuota() {
        ObjectNode body = object();
        body.putObject("error").put("message", "You exceeded your current quota, please check your plan and billing details.")
                .put("type", "insufficient_quota").put("code", "insufficient_quota");
        return body.toString();
    }

    @Override
    protected String models() {
        ObjectNode doc = object().put("object", "list");
        var data = doc.putArray("data");
        data.addObject().put("id", "gpt-4o-mini").put("object", "model").put("owned_by", "openai");
        data.addObject().put("id", "local-model").put("object", "model").put("owned_by", "user");
        return doc.toString();
    }
}
