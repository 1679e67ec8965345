package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One {@link SharedFrame} written to several real Vert.x sockets arrives at each as the same text message. */
class SharedFrameTest {
    private static final int MEMBERS = 3;
    private Vertx vertx;
    private HttpServer server;
    private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketFrameSize(SharedFrame.MAX_SHARED_BYTES)
                        .setMaxWebSocketMessageSize(1 << 20))
                .requestHandler(request -> request.toWebSocket().onSuccess(sockets::add))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void everyMemberGetsTheTextOfOneEncodingIncludingCharactersBeyondAscii() throws Exception {
        String text = "{\"type\":\"message\",\"content\":\"héllo ✓ 🎉 мир\"}";
        SharedFrame frame = new SharedFrame(text);

        assertThat(frame.shared()).isTrue();
        assertThat(sendToAll(frame)).containsExactly(text, text, text);
    }

    @Test
    void aFrameLargerThanTheSocketsFrameSizeStillArrivesWholeAsOneTextMessage() throws Exception {
        String text = "é".repeat(SharedFrame.MAX_SHARED_BYTES); // twice the limit in UTF-8
        SharedFrame frame = new SharedFrame(text);

        assertThat(frame.shared()).isFalse();
        assertThat(sendToAll(frame)).containsExactly(text, text, text);
    }

    /** Connects {@link #MEMBERS} clients, writes the frame to each of their server sockets, returns the texts received. */
    private List<String> sendToAll(SharedFrame frame) throws Exception {
        List<CompletableFuture<String>> received = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            CompletableFuture<String> text = new CompletableFuture<>();
            WebSocket client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(1 << 20)
                            .setMaxFrameSize(SharedFrame.MAX_SHARED_BYTES))
                    .connect(server.actualPort(), "127.0.0.1", "/").toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            client.textMessageHandler(text::complete);
            client.binaryMessageHandler(b -> text.completeExceptionally(new AssertionError("a binary message")));
            received.add(text);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> sockets.size() == MEMBERS);
        for (ServerWebSocket socket : sockets) {
            vertx.runOnContext(v -> frame.writeTo(socket));
        }
        List<String> texts = new ArrayList<>();
        for (CompletableFuture<String> text : received) {
            texts.add(text.get(10, TimeUnit.SECONDS));
        }
        return texts;
    }
}
