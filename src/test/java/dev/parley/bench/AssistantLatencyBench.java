package dev.parley.bench;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.assistant.standin.StandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Not a unit test (surefire's default includes skip it): measures what Parley adds to time-to-first-token against
 * the Ollama stand-in, and the end-to-end latency of a cache hit. Run with
 * {@code ./mvnw -B test -Dtest=AssistantLatencyBench}; results go to stdout and {@code target/bench-assistant.txt}.
 */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
@TestProfile(AssistantLatencyBench.Unlimited.class)
class AssistantLatencyBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WARMUP = 100;
    private static final int RUNS = 500;

    @TestHTTPResource("/")
    URI base;

    /** No rate limit in the way of the loop. */
    public static class Unlimited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.llm.rate-limit", "1000000", "quarkus.log.level", "WARN");
        }
    }

    /** Frames with the moment they arrived. */
    private record Frame(long nanos, JsonNode json) {
    }

    /** The database the server under test runs on, as the build's executions configure it. */
    private static String database() {
        String kind = ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.db-kind", String.class).orElse("h2");
        return "h2".equals(kind) ? "H2 in memory" : kind + " (" + ConfigProvider.getConfig()
                .getOptionalValue("quarkus.datasource.jdbc.url", String.class).orElse("?") + ")";
    }

    @Test
    void measure() throws Exception {
        StandIns.resetAll();
        HttpClient http = HttpClient.newHttpClient();
        long[] direct = new long[RUNS];
        for (int i = -WARMUP; i < RUNS; i++) {
            String body = "{\"model\":\"llama3.2\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"q" + i + "\"}]}";
            long t0 = System.nanoTime();
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(StandIns.OLLAMA.baseUrl() + "/api/chat"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                in.readLine();
                long t1 = System.nanoTime();
                while (in.readLine() != null) {
                    // drain
                }
                if (i >= 0) {
                    direct[i] = t1 - t0;
                }
            }
        }

        String room = unique("bench");
        LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + register(unique("bench")))
                .buildAsync(URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            long now = System.nanoTime();
                            try {
                                frames.add(new Frame(now, JSON.readTree(partial.toString())));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            partial.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }
                }).join();
        send(ws, "{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
        next(frames, f -> type(f, "joined"));

        long[] ttft = new long[RUNS];
        long[] miss = new long[RUNS];
        for (int i = -WARMUP; i < RUNS; i++) {
            clear(ws, frames, room, i);
            long t0 = System.nanoTime();
            send(ws, sendMessage(room, "t" + i, "@assistant question " + i));
            Frame delta = next(frames, f -> type(f, "assistant_delta"));
            Frame stored = next(frames, f -> type(f, "message") && "assistant".equals(f.json().path("kind").asText()));
            if (i >= 0) {
                ttft[i] = delta.nanos() - t0;
                miss[i] = stored.nanos() - t0;
            }
        }
        long[] hit = new long[RUNS];
        for (int i = -WARMUP; i < RUNS; i++) {
            clear(ws, frames, room, i);
            long t0 = System.nanoTime();
            send(ws, sendMessage(room, "h" + i, "@assistant the same question"));
            Frame stored = next(frames, f -> type(f, "message") && "assistant".equals(f.json().path("kind").asText()));
            if (i > -WARMUP && !stored.json().path("cached").asBoolean()) {
                throw new AssertionError("expected a cache hit: " + stored.json());
            }
            if (i >= 0) {
                hit[i] = stored.nanos() - t0;
            }
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();

        String report = String.join("\n",
                "Assistant latency (" + RUNS + " runs after " + WARMUP + " warm-up; stand-in Ollama on loopback; " + database() + "; local Redis)",
                line("stand-in direct: first NDJSON line", direct),
                line("through Parley: send_message -> first assistant_delta", ttft),
                line("through Parley: send_message -> stored reply (cache miss)", miss),
                line("through Parley: send_message -> stored reply (cache hit)", hit),
                String.format(Locale.ROOT, "overhead on time to first token (median): %.2f ms",
                        (percentile(ttft, 50) - percentile(direct, 50)) / 1e6));
        System.out.println(report);
        Files.writeString(Path.of("target/bench-assistant.txt"), report + "\n");
    }

    private static void clear(WebSocket ws, LinkedBlockingQueue<Frame> frames, String room, int i) throws InterruptedException {
        send(ws, sendMessage(room, "c" + i, "/clear"));
        String id = "c" + i;
        next(frames, f -> type(f, "ack") && id.equals(f.json().path("clientId").asText()));
    }

    private static String sendMessage(String room, String clientId, String text) {
        return JSON.createObjectNode().put("type", "send_message").put("room", room).put("clientId", clientId).put("text", text).toString();
    }

    private static void send(WebSocket ws, String text) {
        ws.sendText(text, true).join();
    }

    private static boolean type(Frame f, String type) {
        return type.equals(f.json().path("type").asText());
    }

    private static Frame next(LinkedBlockingQueue<Frame> frames, Predicate<Frame> match) throws InterruptedException {
        while (true) {
            Frame f = frames.poll(10, TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("no frame within 10 s");
            }
            if (type(f, "error") || type(f, "assistant_error")) {
                throw new AssertionError("unexpected " + f.json());
            }
            if (match.test(f)) {
                return f;
            }
        }
    }

    private static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static String line(String what, long[] values) {
        return String.format(Locale.ROOT, "%-58s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms", what,
                percentile(values, 50) / 1e6, percentile(values, 90) / 1e6, percentile(values, 99) / 1e6);
    }
}
