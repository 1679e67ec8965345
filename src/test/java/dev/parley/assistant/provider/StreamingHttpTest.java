package dev.parley.assistant.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reading providers' bodies: lines of any size in any chunking, a 5 MB body read whole through the bounded window,
 * server-sent events with multi-line data, a 5 MB JSON document on one line. Against a plain JDK HTTP server.
 */
class StreamingHttpTest {
    private static final int FIVE_MB = 5 * 1024 * 1024;
    private static HttpServer server;
    private static Vertx vertx;
    private static StreamingHttp http;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/lines", exchange -> stream(exchange, bigLines()));
        server.createContext("/sse", exchange -> stream(exchange, """
                : a comment first\r
                event: greeting\r
                data: {"text":\r
                data: "hello"}\r
                \r
                data: second\r
                data: \r
                data: event\r
                id: 2\r
                \r
                data: never finished"""));
        server.createContext("/document", exchange -> stream(exchange, bigDocument()));
        server.start();
        vertx = Vertx.vertx();
        http = new StreamingHttp(vertx, Duration.ofSeconds(5), new ProviderJson(new ObjectMapper()));
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Writes the body in odd-sized chunks (lines and UTF-8 characters cut anywhere), flushing each. */
    private static void stream(HttpExchange exchange, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < bytes.length; i += 7_919) {
                out.write(bytes, i, Math.min(7_919, bytes.length - i));
                out.flush();
            }
        }
    }

    /** About 5 MB of numbered lines with a multi-byte character in each; the last without a line break. */
    private static String bigLines() {
        StringBuilder b = new StringBuilder();
        String filler = "é".repeat(200) + "x".repeat(600);
        for (int i = 0; b.length() < FIVE_MB; i++) {
            b.append(i).append(' ').append(filler).append('\n');
        }
        return b.append("last line").toString();
    }

    private static String bigDocument() {
        StringBuilder b = new StringBuilder("{\"data\":[");
        for (int i = 0; b.length() < FIVE_MB; i++) {
            b.append(i == 0 ? "" : ",").append("{\"id\":\"model-").append(i).append("\"}");
        }
        return b.append("]}").toString();
    }

    private StreamingHttp.Response get(String path) {
        return http.send("test", HttpMethod.GET, url(path), Map.of(), null, Duration.ofSeconds(10), new Cancellation());
    }

    @Test
    void aFiveMegabyteBodyIsReadWholeLineByLine() {
        List<String> expected = List.of(bigLines().split("\n"));
        List<String> lines = new ArrayList<>();
        try (StreamingHttp.Response response = get("/lines")) {
            assertThat(response.status()).isEqualTo(200);
            String line;
            while ((line = response.line()) != null) {
                lines.add(line);
            }
        }
        assertThat(lines).hasSize(expected.size()).hasSizeGreaterThan(StreamingHttp.WINDOW * 10);
        assertThat(lines).isEqualTo(expected);
        assertThat(lines.getLast()).isEqualTo("last line");
    }

    @Test
    void serverSentEventsWithMultiLineDataAreJoined() {
        try (StreamingHttp.Response response = get("/sse")) {
            ServerSentEvents.Event first = response.event();
            assertThat(first).isEqualTo(new ServerSentEvents.Event("greeting", "{\"text\":\n\"hello\"}", ""));
            assertThat(response.event()).isEqualTo(new ServerSentEvents.Event("message", "second\n\nevent", "2"));
            assertThat(response.event()).as("the unfinished last event is dropped").isNull();
        }
    }

    @Test
    void aFiveMegabyteJsonDocumentOnOneLineIsParsed() {
        JsonNode doc = http.getJson("test", url("/document"), Map.of(), Duration.ofSeconds(10), (status, body, r) -> {
            throw new AssertionError("status " + status);
        });
        assertThat(doc.path("data").size()).isGreaterThan(100_000);
        assertThat(doc.path("data").get(0).path("id").asText()).isEqualTo("model-0");
    }

    @Test
    void malformedJsonIsAProtocolFailureNotAnEmptyObject() {
        ProviderJson json = new ProviderJson(new ObjectMapper());
        assertThatThrownBy(() -> json.strict("ollama", "{\"message\": {\"content\": \"hi\"")).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.PROTOCOL));
        assertThat(json.lenient("<html>bad gateway</html>").isEmpty()).isTrue();
    }
}
