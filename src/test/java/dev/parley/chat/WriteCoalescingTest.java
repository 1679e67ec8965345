package dev.parley.chat;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.support.WsClient;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An open connection's pipeline as Parley sets it. Frames written to one connection in one turn of its event loop (a
 * room's fan-out task, several of them queued on a busy loop) leave in one flush, so in one {@code write} call, in
 * the order they were sent; Vert.x alone flushes every frame written outside a read. The HTTP server's idle timer is
 * gone: the heartbeat watches a WebSocket.
 */
@QuarkusTest
class WriteCoalescingTest {
    private static final int FRAMES = 10;

    @TestHTTPResource("/")
    URI base;

    @Inject
    Sessions sessions;

    @Inject
    PipelineProbe probe;

    /** Counts the writes and flushes that reach the transport, below every other handler. */
    private static final class AtTheSocket extends ChannelOutboundHandlerAdapter {
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger flushes = new AtomicInteger();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            writes.incrementAndGet();
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes.incrementAndGet();
            ctx.flush();
        }
    }

    @Test
    void framesSentInOneTurnOfTheEventLoopLeaveInOneFlushAndInOrder() throws Exception {
        String user = unique("coalesce");
        try (WsClient client = WsClient.bearer(base, register(user))) {
            client.sync();
            ChatSession session = sessions.sessionsOf(user).getFirst();
            ChannelPipeline pipeline = probe.pipelineOf(user);
            AtTheSocket socket = new AtTheSocket();
            pipeline.channel().eventLoop().submit(() -> pipeline.addFirst(socket)).get(10, TimeUnit.SECONDS);
            client.sync(); // heard just now: no heartbeat ping (after 1 s of silence in tests) comes in between
            int before = client.received("pong").size();
            session.run(() -> {
                for (int i = 0; i < FRAMES; i++) {
                    session.send("{\"type\":\"pong\",\"n\":" + i + "}");
                }
            });

            await().atMost(10, TimeUnit.SECONDS).until(() -> client.received("pong").size() == before + FRAMES);
            assertThat(client.received("pong").stream().skip(before).map(f -> f.path("n").asInt()))
                    .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(socket.writes).hasValue(FRAMES + 1); // the sync's pong, then the ten
            assertThat(socket.flushes).hasValue(2);
        }
    }

    @Test
    void anOpenWebSocketHasItsFlushesConsolidatedAndNoHttpIdleTimerItsHeartbeatKeepsWatch() throws Exception {
        String user = unique("tuned");
        try (WsClient client = WsClient.bearer(base, register(user))) {
            client.sync();
            ChannelPipeline pipeline = probe.pipelineOf(user);
            var handlers = pipeline.channel().eventLoop().submit(() -> pipeline.toMap().values().stream()
                    .<Class<?>>map(Object::getClass).toList()).get(10, TimeUnit.SECONDS);
            assertThat(handlers).contains(FlushConsolidationHandler.class).doesNotContain(IdleStateHandler.class);
            assertThat(sessions.sessionsOf(user)).hasSize(1);
        }
    }
}
