package dev.parley.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parley.bench.scenario.Loop;
import dev.parley.bench.server.ServerUnderTest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floor of Parley's stack ({@code ../bench/floor}, built by {@code ./mvnw -f floor/pom.xml -DskipTests package}
 * from {@code bench/}, or by {@code bench/run.sh --servers …,floor}); skipped when it has not been built.
 */
class FloorTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path JAR = Path.of("floor/target/quarkus-app/quarkus-run.jar").toAbsolutePath().normalize();
    @TempDir
    Path work;
    private ServerUnderTest floor;
    private Loop loop;

    @BeforeEach
    void built() {
        assumeTrue(Files.exists(JAR), "build the floor first");
        loop = new Loop();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            loop.close();
        }
        if (floor != null) {
            floor.close();
        }
    }

    private void start(boolean presence) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        floor = ServerUnderTest.start(new ServerUnderTest.Launch("floor", List.of(java, "-jar", JAR.toString()),
                Map.of("FLOOR_PRESENCE", presence ? "1" : "0"), work, "/q/health/ready"), "");
    }

    @Test
    void theHarnessDrivesTheFloorAsItDrivesParley() throws Exception {
        start(true);
        ParleyTarget target = new ParleyTarget(loop.vertx(), "127.0.0.1", floor.port(), "fl");
        target.prepareUsers(2);
        ParleyTargetTest.sendsAndGetsTheMessageThenTheAck(loop, target);
    }

    @Test
    void withPresenceAJoinTellsTheMemberAlreadyThereAndListsBoth() throws Exception {
        start(true);
        Raw first = open("ann");
        first.send(new JsonObject().put("type", "join_room").put("room", "r"));
        JsonObject firstJoined = first.next();
        Raw second = open("bob");
        second.send(new JsonObject().put("type", "join_room").put("room", "r"));
        JsonObject secondJoined = second.next();
        JsonObject presence = first.next();

        assertEquals(List.of("ann"), users(firstJoined));
        assertEquals(List.of("ann", "bob"), users(secondJoined));
        assertEquals(new JsonObject().put("type", "presence").put("room", "r").put("user", "bob").put("status", "online"),
                presence);
    }

    @Test
    void bareAJoinIsAnsweredWithJoinedAloneAndTellsNoOne() throws Exception {
        start(false);
        Raw first = open("ann");
        first.send(new JsonObject().put("type", "join_room").put("room", "r"));
        assertEquals(new JsonObject().put("type", "joined").put("room", "r"), first.next());
        Raw second = open("bob");
        second.send(new JsonObject().put("type", "join_room").put("room", "r"));
        assertEquals(new JsonObject().put("type", "joined").put("room", "r"), second.next());
        // the first socket's next frame answers its own ping: nothing about bob came before it
        first.send(new JsonObject().put("type", "ping"));
        assertEquals(new JsonObject().put("type", "pong"), first.next());
    }

    private static List<String> users(JsonObject joined) {
        List<String> users = new ArrayList<>();
        joined.getJsonArray("members").forEach(m -> users.add(((JsonObject) m).getString("user")));
        return users;
    }

    private Raw open(String user) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + floor.port() + "/api/auth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", user).put("password", "x").encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        String token = new JsonObject(r.body()).getString("token");
        Raw raw = new Raw();
        WebSocketClient client = loop.vertx().createWebSocketClient();
        raw.socket = loop.call(() -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                .setPort(floor.port()).setURI("/ws").addHeader("Authorization", "Bearer " + token))
                .map(ws -> {
                    ws.textMessageHandler(raw::arrived);
                    return ws;
                }), WAIT);
        return raw;
    }

    /** A socket whose text frames queue up until asked for, on the generator's loop. */
    private final class Raw {
        private final ArrayDeque<JsonObject> frames = new ArrayDeque<>();
        private final ArrayDeque<Promise<JsonObject>> waiting = new ArrayDeque<>();
        private WebSocket socket;

        private void arrived(String text) {
            JsonObject frame = new JsonObject(text);
            Promise<JsonObject> p = waiting.poll();
            if (p != null) {
                p.complete(frame);
            } else {
                frames.add(frame);
            }
        }

        void send(JsonObject frame) {
            loop.call(() -> socket.writeTextMessage(frame.encode()), WAIT);
        }

        JsonObject next() {
            return loop.call(() -> {
                JsonObject frame = frames.poll();
                if (frame != null) {
                    return Future.succeededFuture(frame);
                }
                Promise<JsonObject> p = Promise.promise();
                waiting.add(p);
                return p.future();
            }, WAIT);
        }
    }
}
