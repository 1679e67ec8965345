package dev.parley.bench.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A model that answers at once, speaking Ollama's wire format (its public API docs): {@code POST /api/chat} with
 * {@code "stream": true} answers {@code application/x-ndjson}, one {@code {"model","created_at","message":{"role",
 * "content"},"done":false}} line per piece, then {@code {"done":true,"done_reason":"stop","prompt_eval_count",
 * "eval_count"}}; {@code GET /api/tags} lists the models. The first piece is written as soon as the request's body
 * has arrived, the rest right after it, so the time to the first line is the transport's and nothing else: what
 * Parley adds to it is what the assistant scenario measures. Runs on the generator's event loop.
 */
public final class OllamaStandIn implements AutoCloseable {
    /** The model the stand-in offers (Parley's {@code LLM_MODEL} is {@code ollama/} and this). */
    public static final String MODEL = "llama3.2";
    private static final String CREATED = "2026-12-06T12:00:00.000000Z";
    private final HttpServer server;

    private OllamaStandIn(HttpServer server) {
        this.server = server;
    }

    /** Listens on a free port of {@code 127.0.0.1}. */
    public static Future<OllamaStandIn> start(Vertx vertx) {
        HttpServer server = vertx.createHttpServer();
        server.requestHandler(OllamaStandIn::handle);
        return server.listen(0, "127.0.0.1").map(OllamaStandIn::new);
    }

    public int port() {
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:<port>}: Parley's {@code OLLAMA_BASE_URL}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    private static void handle(HttpServerRequest request) {
        if (request.method() == HttpMethod.GET && "/api/tags".equals(request.path())) {
            JsonObject model = new JsonObject().put("name", MODEL + ":latest").put("model", MODEL + ":latest").put("size", 2019393189L);
            request.response().putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("models", new JsonArray().add(model)).encode());
            return;
        }
        if (request.method() != HttpMethod.POST || !"/api/chat".equals(request.path())) {
            request.response().setStatusCode(404).end(new JsonObject().put("error", "not found").encode());
            return;
        }
        request.body().onSuccess(body -> {
            JsonObject asked;
            try {
                asked = body.toJsonObject();
            } catch (RuntimeException e) {
                request.response().setStatusCode(400).end(new JsonObject().put("error", "invalid JSON").encode());
                return;
            }
            String model = asked.getString("model", MODEL);
            var response = request.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
            response.write(piece(model, "Hello from ") + "\n");
            response.write(piece(model, "the stand-in.") + "\n");
            response.end(new JsonObject().put("model", model).put("created_at", CREATED)
                    .put("message", new JsonObject().put("role", "assistant").put("content", ""))
                    .put("done", true).put("done_reason", "stop").put("prompt_eval_count", 42).put("eval_count", 2).encode() + "\n");
        });
    }

    private static String piece(String model, String text) {
        return new JsonObject().put("model", model).put("created_at", CREATED)
                .put("message", new JsonObject().put("role", "assistant").put("content", text)).put("done", false).encode();
    }

    @Override
    public void close() {
        server.close();
    }
}
