package dev.parley.assistant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP server that speaks one LLM provider's public wire format, for tests. It records every request and
 * answers from a script of steps (a streamed reply, tool calls, an HTTP error, an answer held on a latch, a raw body); with an empty script it
 * streams a default reply. Written from the providers' API documentation, not from Parley's code.
 */
public abstract class StandIn implements AutoCloseable {
    protected static final ObjectMapper JSON = new ObjectMapper();

    /** A request the stand-in received, and when ({@link System#nanoTime()}). */
    public record Request(String method, String path, Map<String, String> headers, JsonNode body, long receivedNanos) {
    }

    /** A tool call the scripted model makes: its name and arguments (a JSON object). */
    public record Call(String name, String arguments) {
    }

    /**
     * One scripted answer. {@code holdBeforeAnswer}: nothing is sent until it opens; {@code raw}: this exact body is
     * streamed (in small chunks) instead of the provider's format.
     */
    public record Step(List<String> pieces, List<Call> calls, int status, String errorBody, Map<String, String> headers,
            CountDownLatch holdAfterFirstPiece, CountDownLatch holdBeforeAnswer, boolean breakAfterFirstPiece, String raw) {
        Step(List<String> pieces, List<Call> calls, int status, String errorBody, Map<String, String> headers,
                CountDownLatch holdAfterFirstPiece, CountDownLatch holdBeforeAnswer, boolean breakAfterFirstPiece) {
            this(pieces, calls, status, errorBody, headers, holdAfterFirstPiece, holdBeforeAnswer, breakAfterFirstPiece, null);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Step> script = new ArrayDeque<>();
    private volatile String defaultText = "Hello from the stand-in.";

    protected StandIn() {
        // Answer like the real servers (Go's net/http, uvicorn) do: without Nagle's delay, which on loopback holds the
        // end of each streamed body back ~40 ms against the client's delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    // ---- scripting -----------------------------------------------------------------

    /** Forgets the script and the recorded requests. */
    public synchronized void reset() {
        script.clear();
        requests.clear();
        defaultText = "Hello from the stand-in.";
    }

    public synchronized StandIn reply(String... pieces) {
        script.add(new Step(List.of(pieces), List.of(), 200, null, Map.of(), null, null, false));
        return this;
    }

    /** The next answer asks for tools instead of text. */
    public synchronized StandIn callTools(Call... calls) {
        script.add(new Step(List.of(), List.of(calls), 200, null, Map.of(), null, null, false));
        return this;
    }

    /** The next answer streams its first piece, then waits for the latch before streaming the rest. */
    public synchronized CountDownLatch replyHeld(String... pieces) {
        CountDownLatch latch = new CountDownLatch(1);
        script.add(new Step(List.of(pieces), List.of(), 200, null, Map.of(), latch, null, false));
        return latch;
    }

    /** The next answer streams one piece, then fails mid-stream in the provider's way. */
    public synchronized StandIn replyThenBreak(String first) {
        script.add(new Step(List.of(first, "never sent"), List.of(), 200, null, Map.of(), null, null, true));
        return this;
    }

    /** The next {@code times} requests fail with this status and the provider's error body. */
    public synchronized StandIn fail(int times, int status, Map<String, String> headers) {
        for (int i = 0; i < times; i++) {
            script.add(new Step(List.of(), List.of(), status, errorBody(status), headers, null, null, false));
        }
        return this;
    }

    /** The next request fails with exactly this status and body. */
    public synchronized StandIn failWith(int status, String body, Map<String, String> headers) {
        script.add(new Step(List.of(), List.of(), status, body, headers, null, null, false));
        return this;
    }

    /** The next request gets no answer at all (not even a status) until the returned latch opens; then it answers "late". */
    public synchronized CountDownLatch holdAnswer() {
        CountDownLatch latch = new CountDownLatch(1);
        script.add(new Step(List.of("late"), List.of(), 200, null, Map.of(), null, latch, false));
        return latch;
    }

    /** The next answer is a 200 whose body is exactly {@code body}, streamed in chunks of 4,096 characters. */
    public synchronized StandIn replyRaw(String body) {
        script.add(new Step(List.of(), List.of(), 200, null, Map.of(), null, null, false, body));
        return this;
    }

    /** What an empty script answers. */
    public void defaultText(String text) {
        defaultText = text;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The chat requests (not model listings). */
    public synchronized List<Request> chatRequests() {
        return requests.stream().filter(r -> r.method().equals("POST")).toList();
    }

    // ---- serving -------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            Step step;
            synchronized (this) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body, System.nanoTime()));
                step = "POST".equals(exchange.getRequestMethod()) ? script.poll() : null;
            }
            if ("GET".equals(exchange.getRequestMethod())) {
                send(exchange, 200, "application/json", models());
                return;
            }
            if (step == null) {
                step = new Step(List.of(defaultText.substring(0, defaultText.length() / 2), defaultText.substring(defaultText.length() / 2)),
                        List.of(), 200, null, Map.of(), null, null, false);
            }
            if (step.holdBeforeAnswer() != null) {
                step.holdBeforeAnswer().await(60, TimeUnit.SECONDS);
            }
            if (step.raw() != null) {
                Lines out = open(exchange, "text/event-stream");
                for (int i = 0; i < step.raw().length(); i += 4096) {
                    out.write(step.raw().substring(i, Math.min(step.raw().length(), i + 4096)));
                }
                return;
            }
            if (step.status() != 200) {
                step.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                send(exchange, step.status(), "application/json", step.errorBody());
                return;
            }
            stream(exchange, body, step);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (a cancelled turn, a timeout)
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Starts a streamed 200 answer and returns a writer of its lines. */
    protected final Lines open(HttpExchange exchange, String contentType) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, 0);
        return new Lines(exchange.getResponseBody());
    }

    /** Writes lines and flushes each, so the client sees every chunk as it is written. */
    protected static final class Lines {
        private final OutputStream out;

        Lines(OutputStream out) {
            this.out = out;
        }

        public void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** Waits between the first piece and the rest when the step is held. */
    protected static void holdIfAsked(Step step, int pieceIndex) throws InterruptedException {
        if (pieceIndex == 0 && step.holdAfterFirstPiece() != null) {
            step.holdAfterFirstPiece().await(30, TimeUnit.SECONDS);
        }
    }

    protected static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** Streams one scripted reply in the provider's format. */
    protected abstract void stream(HttpExchange exchange, JsonNode request, Step step) throws IOException, InterruptedException;

    /** The provider's documented error body for a status. */
    protected abstract String errorBody(int status);

    /** The provider's model list document. */
    protected abstract String models();

    @Override
    public void close() {
        server.stop(0);
    }
}
