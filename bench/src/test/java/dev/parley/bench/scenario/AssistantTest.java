package dev.parley.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parley.bench.client.ParleyTarget;
import dev.parley.bench.server.OllamaStandIn;
import dev.parley.bench.server.ServerUnderTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assistant scenario: the stand-in model's wire format, and the scenario against the packaged server
 * ({@code ../target/quarkus-app/quarkus-run.jar}; that test is skipped when it has not been built).
 */
class AssistantTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path JAR = Path.of("../target/quarkus-app/quarkus-run.jar").toAbsolutePath().normalize();
    @TempDir
    Path work;
    private Loop loop;
    private OllamaStandIn model;

    @BeforeEach
    void start() {
        loop = new Loop();
        model = loop.call(() -> OllamaStandIn.start(loop.vertx()), WAIT);
    }

    @AfterEach
    void stop() {
        model.close();
        loop.close();
    }

    @Test
    void theStandInStreamsOllamaNdjsonPiecesThenADoneLineWithTheCounts() {
        var client = loop.vertx().createHttpClient();
        String body = loop.call(() -> client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                        .setPort(model.port()).setURI("/api/chat"))
                .compose(r -> r.send(Buffer.buffer("{\"model\":\"llama3.2\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")))
                .compose(r -> {
                    assertEquals("application/x-ndjson", r.getHeader("Content-Type"));
                    return r.body();
                }).map(Buffer::toString), WAIT);
        List<JsonObject> lines = Arrays.stream(body.split("\n")).map(JsonObject::new).toList();
        assertEquals(3, lines.size(), body);
        assertEquals("Hello from the stand-in.", lines.get(0).getJsonObject("message").getString("content")
                + lines.get(1).getJsonObject("message").getString("content"));
        assertFalse(lines.get(0).getBoolean("done"));
        JsonObject done = lines.getLast();
        assertTrue(done.getBoolean("done"));
        assertEquals("stop", done.getString("done_reason"));
        assertEquals(42, done.getInteger("prompt_eval_count"));
        assertEquals(2, done.getInteger("eval_count"));
        int status = loop.call(() -> client.request(HttpMethod.GET, model.port(), "127.0.0.1", "/api/other")
                .compose(r -> r.send()).map(HttpClientResponse::statusCode), WAIT);
        assertEquals(404, status);
    }

    @Test
    void newQuestionsAreTimedToTheirFirstDeltaAndRepeatedOnesAreAnsweredFromTheCache() throws Exception {
        assumeTrue(Files.exists(JAR), "package the server first");
        String java = ProcessHandle.current().info().command().orElse("java");
        try (ServerUnderTest parley = ServerUnderTest.start(new ServerUnderTest.Launch("parley", List.of(java, "-jar", JAR.toString()),
                Map.of("QUARKUS_HTTP_HOST", "127.0.0.1", "PARLEY_DATA_DIR", "./data",
                        "REDIS_URL", System.getenv().getOrDefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
                        "LLM_MODEL", "ollama/" + OllamaStandIn.MODEL, "OLLAMA_BASE_URL", model.baseUrl(),
                        "LLM_RATE_LIMIT", "1000"),
                work, "/q/health/ready"), "")) {
            String tag = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
            ParleyTarget target = new ParleyTarget(loop.vertx(), "127.0.0.1", parley.port(), "as" + tag);
            target.prepareUsers(1);

            Assistant.Result r = Assistant.run(loop, target, parley, model.port(), "ai-" + tag, 2, 5, 1);

            assertEquals(0, r.errors());
            // the scenario itself fails when a repeated question is not answered from the cache
            assertTrue(r.directP50() > 0 && r.firstDeltaP50() > 0 && r.hitP50() > 0, r.toString());
            assertTrue(r.missP50() >= r.firstDeltaP50(), r.toString());
            assertEquals(r.firstDeltaP50() - r.directP50(), r.addedP50(), 1e-9);
        }
    }
}
