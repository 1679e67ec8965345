package dev.parley.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (the JDK's) that records every frame it receives, for tests. */
public final class WsClient implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Set once the handshake completed; the listener records frames and the close before that too. */
    private volatile WebSocket socket;
    private final java.util.BitSet taken = new java.util.BitSet();
    private final List<JsonNode> seen = new ArrayList<>();
    public final CompletableFuture<int[]> closed = new CompletableFuture<>();

    private WsClient() {
    }

    /** Connects with {@code Authorization: Bearer <token>}. */
    public static WsClient bearer(URI base, String token) {
        return connect(base, "/ws", Map.of("Authorization", "Bearer " + token));
    }

    /** Connects with {@code ?ticket=}. */
    public static WsClient ticket(URI base, String ticket) {
        return connect(base, "/ws?ticket=" + ticket, Map.of());
    }

    public static WsClient connect(URI base, String pathAndQuery, Map<String, String> headers) {
        WsClient client = new WsClient();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        URI uri = URI.create("ws://" + base.getHost() + ":" + base.getPort() + pathAndQuery);
        // the JDK may call the listener before buildAsync completes (a close frame right behind the 101 reaches onClose
        // on the thread that completes the handshake), so the listener writes to the client and never waits for it
        client.socket = builder.buildAsync(uri, new Listener(client)).orTimeout(10, TimeUnit.SECONDS).join();
        return client;
    }

    /** Sends a frame built from alternating keys and values, e.g. {@code send("type","ping")}. */
    public WsClient send(Object... keyValues) {
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            node.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        }
        return sendRaw(node.toString());
    }

    public WsClient sendRaw(String text) {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
        return this;
    }

    public WsClient sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(10, TimeUnit.SECONDS).join();
        return this;
    }

    /** The first frame of this type not returned by an earlier await (waiting for it if need be). */
    public JsonNode await(String type) {
        return await(type, f -> true);
    }

    public JsonNode await(String type, Predicate<JsonNode> match) {
        return await(type, match, TIMEOUT);
    }

    /** As {@link #await(String, Predicate)}, waiting at most {@code timeout} (a bound the SPEC sets, say). */
    public synchronized JsonNode await(String type, Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = 0; i < seen.size(); i++) {
                JsonNode frame = seen.get(i);
                if (!taken.get(i) && type.equals(frame.path("type").asText()) && match.test(frame)) {
                    taken.set(i);
                    return frame;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no \"" + type + "\" frame within " + timeout + "; last frames received: "
                        + seen.subList(Math.max(0, seen.size() - 8), seen.size()));
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Sends a ping and waits for its pong: every frame the server sent before that is then in {@link #received}. */
    public WsClient sync() {
        send("type", "ping");
        await("pong");
        return this;
    }

    /** Every frame received so far, in order. */
    public synchronized List<JsonNode> received() {
        return List.copyOf(seen);
    }

    public List<JsonNode> received(String type) {
        return received().stream().filter(f -> type.equals(f.path("type").asText())).toList();
    }

    /** Joins a room and returns the {@code joined} frame. */
    public JsonNode join(String room) {
        send("type", "join_room", "room", room);
        return await("joined", f -> room.equals(f.path("room").asText()));
    }

    public JsonNode join(String room, long since) {
        send("type", "join_room", "room", room, "since", since);
        return await("joined", f -> room.equals(f.path("room").asText()));
    }

    /** Sends a message and returns its ack. */
    public JsonNode say(String room, String clientId, String text) {
        send("type", "send_message", "room", room, "clientId", clientId, "text", text);
        return await("ack", f -> clientId.equals(f.path("clientId").asText()));
    }

    public int[] awaitClose() {
        return closed.orTimeout(40, TimeUnit.SECONDS).join();
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    /** Drops the TCP connection without a close handshake. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        socket.abort();
    }

    private synchronized void record(JsonNode frame) {
        seen.add(frame);
        notifyAll();
    }

    private static final class Listener implements WebSocket.Listener {
        private final WsClient client;
        private final StringBuilder partial = new StringBuilder();

        Listener(WsClient client) {
            this.client = client;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    client.record(JSON.readTree(text));
                } catch (Exception e) {
                    throw new AssertionError("server sent a frame that is not JSON: " + text, e);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            client.closed.complete(new int[] {statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            client.closed.complete(new int[] {-1});
        }
    }

    public static void assertSeqsContiguous(List<JsonNode> messages, long from) {
        long expected = from;
        for (JsonNode m : messages) {
            assertThat(m.path("seq").asLong()).as("seq of %s", m).isEqualTo(expected++);
        }
    }
}
