package dev.parley.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.websockets.next.WebSocketConnection;
import io.quarkus.websockets.next.runtime.WebSocketConnectionBase;
import io.vertx.core.http.WebSocketBase;
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
}
