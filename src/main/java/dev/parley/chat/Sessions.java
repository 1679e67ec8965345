package dev.parley.chat;

import dev.parley.auth.Caller;
import dev.parley.config.ParleyConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * The open connections. Closes a connection when its token expires (1008) and when it has not been heard from
 * (no frame, no pong to the server's pings) for {@code heartbeatTimeout}, so a vanished client goes offline; and
 * when a client reads so slowly that more than {@code maxQueuedChars} wait for its socket (1013: it may come back
 * and resume from history).
 */
@Singleton
public class Sessions {
    private static final Logger LOG = Logger.getLogger(Sessions.class);
    private final ConcurrentHashMap<String, ChatSession> open = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("parley-sessions").factory());
    private final long heartbeatTimeoutNanos;
    private final ChatService chat;
    private final long maxQueuedChars;
    private final Counter tooSlow;

    Sessions(ParleyConfig config, MeterRegistry registry, ChatService chat) {
        this.chat = chat;
        this.heartbeatTimeoutNanos = config.ws().heartbeatTimeout().toNanos();
        this.maxQueuedChars = config.ws().maxQueuedChars();
        this.tooSlow = Counter.builder("parley.connections.too.slow")
                .description("Connections closed because the client read too slowly").register(registry);
        Gauge.builder("parley.connections", open, ConcurrentHashMap::size).description("Open WebSocket connections").register(registry);
    }

    ChatSession opened(WebSocketConnection connection, Caller caller, SecurityIdentity identity) {
        ChatSession session = new ChatSession(connection, caller, maxQueuedChars, slow -> {
            tooSlow.increment();
            LOG.infof("closing connection %s of %s: more than %d characters wait for its socket", slow.id(), slow.user(), maxQueuedChars);
            end(slow, 1013, "too slow: reconnect and resume");
        });
        open.put(connection.id(), session);
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getExpirationTime() > 0) {
            long delay = Duration.between(Instant.now(), Instant.ofEpochSecond(jwt.getExpirationTime())).toMillis();
            session.expiry = timer.schedule(() -> end(session, 1008, "token expired"), Math.max(0, delay), TimeUnit.MILLISECONDS);
        }
        return session;
    }

    ChatSession get(WebSocketConnection connection) {
        return open.get(connection.id());
    }

    /** The connection closed: the session leaves its rooms after the frames it had already sent. */
    void closed(WebSocketConnection connection) {
        ChatSession session = open.remove(connection.id());
        if (session != null) {
            finish(session);
        }
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void closeSilent() {
        for (ChatSession session : open.values()) {
            if (session.silentNanos() > heartbeatTimeoutNanos) {
                end(session, 1001, "no heartbeat");
            }
        }
    }

    /**
     * Ends a session from the server's side. It leaves its rooms at once (a vanished peer would never complete
     * the close handshake), then the connection is closed.
     */
    private void end(ChatSession session, int code, String reason) {
        if (open.remove(session.id(), session)) {
            finish(session);
        }
        session.close(code, reason);
    }

    private void finish(ChatSession session) {
        if (session.end()) {
            if (session.expiry != null) {
                session.expiry.cancel(false);
            }
            session.submit(() -> chat.disconnected(session));
        }
    }

    void shutdown(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }
}
