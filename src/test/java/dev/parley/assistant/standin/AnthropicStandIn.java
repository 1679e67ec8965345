package dev.parley.assistant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * Anthropic Messages API: {@code POST /v1/messages} with {@code stream: true} answers server-sent events
 * {@code message_start}, {@code content_block_start}, {@code content_block_delta} ({@code text_delta},
 * {@code input_json_delta}), {@code content_block_stop}, {@code message_delta} (stop_reason, usage),
 * {@code message_stop}; errors are {@code {"type":"error","error":{"type":...,"message":...}}}.
 */
public final class AnthropicStandIn extends StandIn {

    @Override
    protected void stream(HttpExchange exchange, JsonNode request, Step step) throws IOException, InterruptedException {
        Lines out = open(exchange, "text/event-stream");
        ObjectNode start = object().put("type", "message_start");
        ObjectNode message = start.putObject("message").put("id", "msg_standin").put("type", "message").put("role", "assistant")
                .put("model", request.path("model").asText());
        message.putArray("content");
        message.putNull("stop_reason");
        message.putObject("usage").put("input_tokens", 42).put("output_tokens", 1);
        event(out, "message_start", start);
        event(out, "ping", object().put("type", "ping"));
        int index = 0;
        if (!step.pieces().isEmpty()) {
            ObjectNode blockStart = object().put("type", "content_block_start").put("index", index);
            blockStart.putObject("content_block").put("type", "text").put("text", "");
            event(out, "content_block_start", blockStart);
            for (int i = 0; i < step.pieces().size(); i++) {
                ObjectNode delta = object().put("type", "content_block_delta").put("index", index);
                delta.putObject("delta").put("type", "text_delta").put("text", step.pieces().get(i));
                event(out, "content_block_delta", delta);
                if (step.breakAfterFirstPiece()) {
                    ObjectNode error = object().put("type", "error");
                    error.putObject("error").put("type", "overloaded_error").put("message", "Overloaded");
                    event(out, "error", error);
                    return;
                }
                holdIfAsked(step, i);
            }
            event(out, "content_block_stop", object().put("type", "content_block_stop").put("index", index));
            index++;
        }
        for (Call c : step.calls()) {
            ObjectNode blockStart = object().put("type", "content_block_start").put("index", index);
            ObjectNode block = blockStart.putObject("content_block").put("type", "tool_use").put("id", "toolu_" + index).put("name", c.name());
            block.putObject("input");
            event(out, "content_block_start", blockStart);
            String args = c.arguments();
            int half = args.length() / 2; // the input arrives as partial JSON in several deltas
            for (String part : new String[] {args.substring(0, half), args.substring(half)}) {
                ObjectNode delta = object().put("type", "content_block_delta").put("index", index);
                delta.putObject("delta").put("type", "input_json_delta").put("partial_json", part);
                event(out, "content_block_delta", delta);
            }
            event(out, "content_block_stop", object().put("type", "content_block_stop").put("index", index));
            index++;
        }
        ObjectNode messageDelta = object().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", step.calls().isEmpty() ? "end_turn" : "tool_use").putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", Math.max(1, step.pieces().size()));
        event(out, "message_delta", messageDelta);
        event(out, "message_stop", object().put("type", "message_stop"));
    }

    private static void event(Lines out, String name, ObjectNode data) throws IOException {
        out.write("event: " + name + "\ndata: " + data + "\n\n");
    }

    @Override
    protected String errorBody(int status) {
        String type = switch (status) {
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 400 -> "invalid_request_error";
            default -> "api_error";
        };
        ObjectNode body = object().put("type", "error");
        body.putObject("error").put("type", type).put("message", "stand-in " + type);
        return body.toString();
    }

    @Override
    protected String models() {
        ObjectNode doc = object();
        var data = doc.putArray("data");
        data.addObject().put("type", "model").put("id", "claude-3-5-haiku-latest").put("display_name", "Claude Haiku 3.5");
        data.addObject().put("type", "model").put("id", "claude-sonnet-4-5").put("display_name", "Claude Sonnet 4.5");
        doc.put("has_more", false);
        return doc.toString();
    }
}
