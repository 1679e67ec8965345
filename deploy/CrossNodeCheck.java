import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks two running Parley nodes from outside, with the JDK alone (run as a single-file program:
 * {@code java deploy/CrossNodeCheck.java <node A url> <node B url> [cross-node]}).
 *
 * <p>Always: both nodes register and log in against the shared database, a token from A is accepted by B (shared
 * SECRET_KEY), and a WebSocket through each node delivers a message to its own sender's room. With
 * {@code cross-node}: a message sent through A reaches a member connected to B and back (SPEC §5).
 */
public final class CrossNodeCheck {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        URI a = URI.create(args[0]);
        URI b = URI.create(args[1]);
        boolean crossNode = args.length > 2 && args[2].equals("cross-node");
        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String alice = "alice" + suffix;
        String bob = "bob" + suffix;

        String aliceToken = auth(a, "register", alice, 201);
        String bobToken = auth(b, "register", bob, 201);
        auth(b, "login", alice, 200);
        auth(a, "login", bob, 200);
        expect(get(b, "/api/rooms", aliceToken), 200, "a token issued by A is accepted by B");
        ok("register through one node, log in through the other, tokens valid on both");

        String room = "check-" + suffix;
        try (Socket onA = Socket.open(a, aliceToken); Socket onB = Socket.open(b, bobToken)) {
            onA.send("{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
            onA.await("\"type\":\"joined\"", "A joins " + room);
            onB.send("{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
            onB.await("\"type\":\"joined\"", "B joins " + room);
            onA.send("{\"type\":\"send_message\",\"room\":\"" + room + "\",\"clientId\":\"a1\",\"text\":\"hello from A\"}");
            onA.await("\"type\":\"ack\"", "A's message is acked");
            onA.await("hello from A", "A's message reaches A's own socket");
            onB.send("{\"type\":\"send_message\",\"room\":\"" + room + "\",\"clientId\":\"b1\",\"text\":\"hello from B\"}");
            onB.await("hello from B", "B's message reaches B's own socket");
            ok("a WebSocket through each node joins, sends and is acked");
            if (crossNode) {
                onB.await("hello from A", "a message sent through A reaches a member on B");
                onA.await("hello from B", "a message sent through B reaches a member on A");
                ok("cross-node delivery both ways");
            } else {
                System.out.println("SKIP cross-node delivery (not asked for)");
            }
        }
    }

    private static String auth(URI node, String action, String user, int status) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(node.resolve("/api/auth/" + action))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"correct horse\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        expect(r, status, action + " " + user + " through " + node);
        Matcher m = TOKEN.matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException("no token in " + r.body());
        }
        return m.group(1);
    }

    private static HttpResponse<String> get(URI node, String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(node.resolve(path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new IllegalStateException("FAIL " + what + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static void ok(String what) {
        System.out.println("ok   " + what);
    }

    /** A WebSocket whose text frames are queued for {@link #await}. */
    private static final class Socket implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final java.util.List<String> seen = new java.util.ArrayList<>();
        private WebSocket ws;

        static Socket open(URI node, String token) throws Exception {
            Socket s = new Socket();
            URI uri = URI.create(node.toString().replaceFirst("^http", "ws")).resolve("/ws");
            s.ws = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token).buildAsync(uri, s)
                    .get(20, TimeUnit.SECONDS);
            return s;
        }

        void send(String frame) {
            ws.sendText(frame, true).join();
        }

        /** Waits for a frame containing {@code needle}, among every frame this socket has received so far. */
        void await(String needle, String what) throws InterruptedException {
            if (seen.stream().anyMatch(f -> f.contains(needle))) {
                return;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                String frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (frame != null) {
                    seen.add(frame);
                    if (frame.contains(needle)) {
                        return;
                    }
                }
            }
            throw new IllegalStateException("FAIL " + what + " (no frame with " + needle + " within 20 s)");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
