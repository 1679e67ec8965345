package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.durability.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message throughput and latency of the packaged server, measured from outside over real WebSockets: every
 * message is counted when its durable {@code ack} arrives. Run with
 * {@code ./mvnw -DskipTests package exec:java@bench} (see docs/performance.md); set {@code PARLEY_URL} to
 * measure a server that is already running instead (e.g. one built for PostgreSQL).
 */
public final class ThroughputBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final java.util.concurrent.ExecutorService SENDERS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    public static void main(String[] args) throws Exception {
        String external = System.getenv("PARLEY_URL");
        ServerProcess server = null;
        URI base;
        long startMillis = 0;
        if (external == null) {
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bench-");
            long t0 = System.nanoTime();
            server = new ServerProcess(dir, Map.of()).start();
            startMillis = (System.nanoTime() - t0) / 1_000_000;
            base = server.base();
        } else {
            base = URI.create(external);
        }
        try {
            System.out.printf("server: %s%s%n", base, external == null ? " (packaged jar, embedded H2, started and ready in " + startMillis + " ms)" : "");
            warmUp(base);
            report("one room, 8 senders", run(base, 1, 8, 5_000));
            report("64 rooms, 1 sender each", run(base, 64, 1, 600));
            report("256 rooms, 1 sender each", run(base, 256, 1, 150));
            report("fan-out: 1 sender, 200 members", fanOut(base, 200, 2_000));
            if (server != null) {
                System.out.printf("server RSS after the runs: %d MB%n", server.rssKb() / 1024);
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private record Result(long messages, double seconds, long[] latenciesMicros, long deliveries) {
    }

    private static void report(String name, Result r) {
        long[] l = r.latenciesMicros();
        Arrays.sort(l);
        System.out.printf("%-34s %7d msgs in %6.2f s = %8.0f msgs/s acked; ack latency p50 %6.1f ms p99 %6.1f ms%s%n",
                name, r.messages(), r.seconds(), r.messages() / r.seconds(), l[l.length / 2] / 1000.0,
                l[(int) (l.length * 0.99)] / 1000.0,
                r.deliveries() > 0 ? String.format("; %.0f deliveries/s", r.deliveries() / r.seconds()) : "");
    }

    private static void warmUp(URI base) throws Exception {
        run(base, 4, 1, 500);
    }

    /** {@code rooms} rooms, {@code senders} connections per room, each pipelining {@code perSender} messages. */
    private static Result run(URI base, int rooms, int senders, int perSender) throws Exception {
        String tag = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        int clients = rooms * senders;
        List<Client> all = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String token = register(base, "b" + tag + "x" + i);
            Client c = Client.open(base, token, perSender);
            c.joinAndWait("bench-" + tag + "-" + (i % rooms));
            all.add(c);
        }
        long start = System.nanoTime();
        // one thread per sender: the common pool has a single thread on a 2-core machine and would serialise them
        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (Client c : all) {
            sending.add(CompletableFuture.runAsync(() -> c.blast(perSender), SENDERS));
        }
        for (Client c : all) {
            c.acked.await(5, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).join();
        long[] lat = all.stream().flatMapToLong(c -> Arrays.stream(c.latencies())).toArray();
        all.forEach(Client::close);
        return new Result((long) clients * perSender, seconds, lat, 0);
    }

    private static Result fanOut(URI base, int members, int messages) throws Exception {
        String tag = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String room = "fan-" + tag;
        List<Client> listeners = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            Client c = Client.open(base, register(base, "f" + tag + "x" + i), 0);
            c.expectMessages(messages);
            c.joinAndWait(room);
            listeners.add(c);
        }
        Client sender = Client.open(base, register(base, "s" + tag), messages);
        sender.joinAndWait(room);
        long start = System.nanoTime();
        sender.blast(messages);
        sender.acked.await(5, TimeUnit.MINUTES);
        for (Client c : listeners) {
            c.delivered.await(5, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] lat = sender.latencies();
        listeners.forEach(Client::close);
        sender.close();
        return new Result(messages, seconds, lat, (long) messages * members);
    }

    private static String register(URI base, String user) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/auth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"bench-password\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("token").asText();
    }

    /** A lean client: counts acks and records send-to-ack latency; keeps no frames. */
    private static final class Client implements WebSocket.Listener {
        final ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
        final long[] latency;
        final AtomicLong acks = new AtomicLong();
        final CountDownLatch acked;
        CountDownLatch delivered = new CountDownLatch(0);
        final CountDownLatch joined = new CountDownLatch(1);
        static final int WINDOW = 200;
        final java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(WINDOW);
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;
        String room;

        private Client(int expected) {
            latency = new long[expected];
            acked = new CountDownLatch(expected);
        }

        static Client open(URI base, String token, int expected) {
            Client c = new Client(expected);
            c.ws = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws"), c).join();
            return c;
        }

        void expectMessages(int n) {
            delivered = new CountDownLatch(n);
        }

        void joinAndWait(String room) throws InterruptedException {
            this.room = room;
            ws.sendText("{\"type\":\"join_room\",\"room\":\"" + room + "\"}", true).join();
            joined.await(30, TimeUnit.SECONDS);
        }

        /** Sends n messages keeping at most {@link #WINDOW} unacknowledged, as a client with flow control would. */
        void blast(int n) {
            for (int i = 0; i < n; i++) {
                try {
                    window.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                String id = Integer.toString(i);
                sentAt.put(id, System.nanoTime());
                ws.sendText("{\"type\":\"send_message\",\"room\":\"" + room + "\",\"clientId\":\"" + id
                        + "\",\"text\":\"benchmark message number " + i + "\"}", true).join();
            }
        }

        long[] latencies() {
            return Arrays.copyOf(latency, (int) Math.min(acks.get(), latency.length));
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                if (frame.startsWith("{\"type\":\"ack\"")) {
                    try {
                        JsonNode ack = JSON.readTree(frame);
                        Long t = sentAt.remove(ack.path("clientId").asText());
                        long n = acks.getAndIncrement();
                        if (t != null && n < latency.length) {
                            latency[(int) n] = (System.nanoTime() - t) / 1000;
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    window.release();
                    acked.countDown();
                } else if (frame.startsWith("{\"type\":\"message\"")) {
                    delivered.countDown();
                } else if (frame.startsWith("{\"type\":\"joined\"")) {
                    joined.countDown();
                } else if (frame.startsWith("{\"type\":\"error\"")) {
                    System.err.println("error frame: " + frame);
                }
            }
            webSocket.request(1);
            return null;
        }

        void close() {
            ws.abort();
        }
    }
}
