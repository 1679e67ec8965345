package dev.parley.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.websockets.next.WebSocketConnection;
import io.quarkus.websockets.next.runtime.WebSocketConnectionBase;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.net.impl.ConnectionBase;
import java.lang.reflect.Method;

/**
 * The Vert.x socket under a websockets-next connection. Parley writes to it directly on the event loop and uses
 * its write queue and pause/resume for back-pressure: {@code WebSocketConnection.sendText} costs a Mutiny
 * {@code Uni} and a subscription per frame and offers neither. websockets-next (3.30) keeps the accessor
 * package-private, so it is reached once per connection by reflection; a Quarkus upgrade that changes it fails the
 * first connection (and every WebSocket test) loudly, not silently.
 */
@RegisterForReflection(targets = WebSocketConnectionBase.class, methods = true)
final class Transport {
    private static final Method WEB_SOCKET;

    static {
        try {
            WEB_SOCKET = WebSocketConnectionBase.class.getDeclaredMethod("webSocket");
            WEB_SOCKET.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("cannot reach the Vert.x socket of a websockets-next connection: " + e);
        }
    }

    private Transport() {
    }

    static WebSocketBase socket(WebSocketConnection connection) {
        try {
            return (WebSocketBase) WEB_SOCKET.invoke(connection);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the Vert.x socket of connection " + connection.id(), e);
        }
    }

    /** The upgrade's Netty pipeline, kept in the connection's user data from the upgrade until it opens. */
    static final UserData.TypedKey<ChannelPipeline> PIPELINE = new UserData.TypedKey<>("parley.pipeline");

    /**
     * At the upgrade: keeps the connection's Netty pipeline for {@link #tune}. The websockets-next connection does not
     * reach its channel (its socket is wrapped by Vert.x Web); the upgrade's Vert.x request is the one place it can be
     * found.
     */
    static void remember(HttpUpgradeCheck.HttpUpgradeContext upgrade) {
        upgrade.userData().put(PIPELINE, pipeline(upgrade.httpRequest().connection()));
    }

    /** The Netty pipeline under a Vert.x HTTP connection. */
    static ChannelPipeline pipeline(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            throw new IllegalStateException("not a Vert.x connection with a Netty pipeline: " + connection.getClass().getName());
        }
        return base.channelHandlerContext().pipeline();
    }

    /**
     * When the connection opens (the upgrade succeeded; on its event loop, before its first frame is written), two
     * changes to its pipeline:
     * <ul>
     * <li>the frames written to it in one turn of its event loop leave in one {@code write} call. Vert.x flushes
     * every frame written outside a read of that connection: a room's fan-out task, or several of them queued on a
     * busy loop (a join storm's {@code presence} frames, a burst of messages), costs one system call per frame per
     * member. Netty's {@link FlushConsolidationHandler} at the head of the pipeline turns those flushes into one
     * flush task per connection that runs after the tasks already queued on the loop; during a read it leaves
     * Vert.x's own batching (flush at read-complete) as it is;</li>
     * <li>the HTTP server's idle timeout ({@code quarkus.http.idle-timeout}, Netty's {@link IdleStateHandler}) is
     * taken off: a WebSocket's liveness is the heartbeat's ({@link Sessions}: silent for
     * {@code parley.ws.heartbeat-timeout}, 28 s by default, closed), and the handler adds a listener to every frame
     * written and a scheduled task to every connection.</li>
     * </ul>
     * An HTTP connection whose upgrade was refused keeps both as they were.
     */
    static void tune(WebSocketConnection connection) {
        ChannelPipeline pipeline = connection.userData().remove(PIPELINE);
        if (pipeline == null) {
            throw new IllegalStateException("no pipeline was kept at the upgrade of connection " + connection.id());
        }
        if (pipeline.get(IdleStateHandler.class) != null) {
            pipeline.remove(IdleStateHandler.class);
        }
        pipeline.addFirst(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
}
