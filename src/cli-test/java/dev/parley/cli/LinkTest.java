package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ServerEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Link} against a scripted WebSocket server (Vert.x, in the test JVM): what survives a drop, and what must
 * not.
 */
class LinkTest {
    private static final ObjectMapper JSON = Main.json();
    private final Vertx vertx = Vertx.vertx();
    private final ScheduledExecutorService owner = Executors.newSingleThreadScheduledExecutor();
    private final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
    /** Frames the server got, each with the number of the connection it came on (1, 2, …). */
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private int connections;

    private record Frame(int connection, JsonNode json) {
    }

    private record Reset(String room, int dropped) {
    }

    @AfterEach
    void stop() throws Exception {
        owner.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Starts a server that hands each frame to {@code script} along with the socket it came on. */
    private Link linkTo(BiConsumer<ServerWebSocket, Frame> script) throws Exception {
        HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
            int n = ++connections;
            ws.textMessageHandler(text -> {
                try {
                    Frame frame = new Frame(n, JSON.readTree(text));
                    frames.add(frame);
                    script.accept(ws, frame);
                } catch (Exception e) {
                    ws.close((short) 1011, e.toString());
                }
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        Link.Credentials token = new Link.Credentials() {
            public String token() {
                return "t";
            }

            public String renew() {
                return "t";
            }
        };
        Link.Listener listener = new Link.Listener() {
            public void onEvent(ServerEvent event) {
                seen.add(event);
            }

            public void onStatus(String status, boolean connected) {
            }

            public void onRoomReset(String room, int droppedLines) {
                seen.add(new Reset(room, droppedLines));
            }

            public void onJoinRefused(String room, ServerEvent.Error error) {
                seen.add(error);
            }
        };
        Link link = new Link(HttpClient.newHttpClient(), URI.create("ws://127.0.0.1:" + server.actualPort() + "/ws"), JSON,
                token, listener, owner);
        link.connect().get(5, TimeUnit.SECONDS);
        return link;
    }

    private static String joined(String room, long epoch, long lastSeq, long... seqs) throws Exception {
        List<MessageView> messages = java.util.Arrays.stream(seqs).mapToObj(s -> message(room, s)).toList();
        return JSON.writeValueAsString(new ServerEvent.Joined(room, epoch, List.of(), messages, lastSeq, true));
    }

    private static MessageView message(String room, long seq) {
        return new MessageView(room, seq, seq, null, "bob", dev.parley.protocol.MessageKind.USER, "m" + seq,
                "2026-11-21T21:04:05.123Z", null, null, null, null, null, null);
    }

    private Frame next(String type) throws InterruptedException {
        while (true) {
            Frame f = frames.poll(10, TimeUnit.SECONDS);
            assertThat(f).as("a %s frame", type).isNotNull();
            if (f.json().path("type").asText().equals(type)) {
                return f;
            }
        }
    }

    private <T> T nextSeen(Class<T> type) throws InterruptedException {
        while (true) {
            Object o = seen.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("a %s", type.getSimpleName()).isNotNull();
            if (type.isInstance(o)) {
                return type.cast(o);
            }
        }
    }

    @Test
    void aLineNotAckedBeforeARestartIsResentWithItsClientIdAndTheRoomRejoinedWithSinceAndEpoch() throws Exception {
        Link link = linkTo((ws, f) -> {
            try {
                switch (f.json().path("type").asText()) {
                    case "join_room" -> ws.writeTextMessage(f.connection() == 1 ? joined("r", 7, 2, 1, 2) : joined("r", 7, 2));
                    case "send_message" -> {
                        if (f.connection() == 1) {
                            ws.close((short) 1012, "restarting"); // stored maybe, never acked
                        } else {
                            ws.writeTextMessage(JSON.writeValueAsString(new ServerEvent.Ack("r",
                                    f.json().path("clientId").asText(), 3, 3, "2026-11-21T21:04:05.123Z", true)));
                        }
                    }
                    default -> {
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        link.join("r");
        assertThat(nextSeen(ServerEvent.Joined.class).messages()).hasSize(2);
        String clientId = link.say("r", "hello");
        Frame first = next("send_message");
        assertThat(first.json().path("clientId").asText()).isEqualTo(clientId);

        Frame rejoin = next("join_room");
        assertThat(rejoin.connection()).isEqualTo(2);
        assertThat(rejoin.json().path("since").asLong()).isEqualTo(2);
        assertThat(rejoin.json().path("epoch").asLong()).isEqualTo(7);
        Frame resent = next("send_message");
        assertThat(resent.connection()).isEqualTo(2);
        assertThat(resent.json().path("clientId").asText()).isEqualTo(clientId);
        assertThat(resent.json().path("text").asText()).isEqualTo("hello");
        link.drained().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRoomCreatedAnewDropsWhatWasHeldAndNeverGetsTheOldQueuedLines() throws Exception {
        Link link = linkTo((ws, f) -> {
            try {
                switch (f.json().path("type").asText()) {
                    case "join_room" -> ws.writeTextMessage(f.connection() == 1 ? joined("r", 1, 5, 5) : joined("r", 2, 1, 1));
                    case "send_message" -> ws.close((short) 1012, "restarting");
                    case "ping" -> ws.writeTextMessage("{\"type\":\"pong\"}");
                    default -> {
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        link.join("r");
        nextSeen(ServerEvent.Joined.class);
        link.say("r", "for the old room");
        next("send_message");

        Frame rejoin = next("join_room");
        assertThat(rejoin.json().path("epoch").asLong()).isEqualTo(1);
        assertThat(nextSeen(Reset.class)).isEqualTo(new Reset("r", 1));
        ServerEvent.Joined fresh = nextSeen(ServerEvent.Joined.class);
        assertThat(fresh.epoch()).isEqualTo(2);
        assertThat(fresh.messages()).as("seq 1 of the new room is new, though 5 was seen in the old one")
                .extracting(MessageView::seq).containsExactly(1L);

        // a barrier: the ping comes after anything the link would have sent on rejoining
        link.sendNow(new dev.parley.protocol.ClientEvent.Ping());
        Frame after = frames.poll(10, TimeUnit.SECONDS);
        assertThat(after.json().path("type").asText()).as("nothing was resent into the new room").isEqualTo("ping");
        assertThat(link.unacked().get(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void messagesAlreadyShownAreNotShownAgainAfterAResume() throws Exception {
        Link link = linkTo((ws, f) -> {
            try {
                if (f.json().path("type").asText().equals("join_room")) {
                    if (f.connection() == 1) {
                        ws.writeTextMessage(joined("r", 3, 3, 1, 2, 3));
                        ws.writeTextMessage(JSON.writeValueAsString(message("r", 3))); // a live copy of seq 3
                        ws.close((short) 1013, "too slow");
                    } else {
                        ws.writeTextMessage(joined("r", 3, 4, 3, 4));
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        link.join("r");
        assertThat(nextSeen(ServerEvent.Joined.class).messages()).extracting(MessageView::seq).containsExactly(1L, 2L, 3L);
        ServerEvent.Joined resumed = nextSeen(ServerEvent.Joined.class);
        assertThat(resumed.messages()).extracting(MessageView::seq).containsExactly(4L);
        assertThat(seen.stream().filter(MessageView.class::isInstance)).as("the live copy of seq 3 was dropped").isEmpty();
    }
}
