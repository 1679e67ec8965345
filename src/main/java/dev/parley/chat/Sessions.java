package dev.parley.chat;

import dev.parley.auth.Caller;
import dev.parley.config.ParleyConfig;
import dev.parley.message.MessageWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * The open connections. One sweep a second closes connections whose token expired (1008) and those not heard from
 * (no frame, no pong to the server's pings) for {@code heartbeatTimeout}, so a vanished client goes offline; a
 * client that reads so slowly that its socket's write queue passes {@code maxQueuedBytes} is closed with 1013 (it may
 * come back and resume from history). A user holds at most {@code maxConnectionsPerUser} connections: the next
 * handshake gets HTTP 429. On shutdown the accepted messages are committed and acknowledged, then every connection
 * is closed with 1012 (reconnect elsewhere and resume).
 */
@Singleton
public class Sessions implements HttpUpgradeCheck {
    private static final Logger LOG = Logger.getLogger(Sessions.class);
    private final ConcurrentHashMap<String, ChatSession> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final long heartbeatTimeoutNanos;
    private final long pingIntervalNanos;
    private final ChatService chat;
    private final MessageWriter writer;
    private final ParleyConfig config;
    private final Vertx vertx;
    private final Counter tooSlow;
    private volatile boolean stopping;

    Sessions(ParleyConfig config, MeterRegistry registry, ChatService chat, MessageWriter writer, Vertx vertx) {
        this.vertx = vertx;
        this.chat = chat;
        this.writer = writer;
        this.config = config;
        this.heartbeatTimeoutNanos = config.ws().heartbeatTimeout().toNanos();
        this.pingIntervalNanos = config.ws().pingInterval().toNanos();
        this.tooSlow = Counter.builder("parley.connections.too.slow")
                .description("Connections closed because the client read too slowly").register(registry);
        Gauge.builder("parley.connections", open, ConcurrentHashMap::size).description("Open WebSocket connections").register(registry);
    }

    /** The handshake: a user at the connection limit, or a node shutting down, is refused before the upgrade. */
    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (stopping) {
            return CheckResult.rejectUpgrade(503);
        }
        int max = config.ws().maxConnectionsPerUser();
        if (max <= 0) {
            return CheckResult.permitUpgrade();
        }
        return context.securityIdentity().map(identity -> {
            if (identity == null || identity.isAnonymous()) {
                return CheckResult.permitUpgradeSync(); // authentication refuses it with 401
            }
            AtomicInteger held = perUser.get(identity.getPrincipal().getName());
            return held != null && held.get() >= max ? CheckResult.rejectUpgradeSync(429) : CheckResult.permitUpgradeSync();
        });
    }

    /** On the connection's event loop. */
    ChatSession opened(WebSocketConnection connection, Caller caller, SecurityIdentity identity) {
        long expiresAt = identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getExpirationTime() > 0
                ? TimeUnit.SECONDS.toMillis(jwt.getExpirationTime()) : 0;
        ChatSession session = new ChatSession(connection, caller, expiresAt, config.ws().maxQueuedBytes(),
                config.ws().maxHeldFrames(), slow -> {
                    tooSlow.increment();
                    LOG.infof("closing connection %s of %s: more than %d bytes wait for its socket", slow.id(), slow.user(),
                            config.ws().maxQueuedBytes());
                    end(slow, 1013, "too slow: reconnect and resume");
                });
        open.put(connection.id(), session);
        int held = perUser.computeIfAbsent(caller.username(), u -> new AtomicInteger()).incrementAndGet();
        int max = config.ws().maxConnectionsPerUser();
        if (max > 0 && held > max) {
            // two handshakes passed the check at the same moment: the later one goes
            end(session, 1008, "too many connections for this user");
        } else if (stopping) {
            end(session, 1012, "server shutting down: reconnect");
        }
        return session;
    }

    ChatSession get(WebSocketConnection connection) {
        return open.get(connection.id());
    }

    /** The connection closed (on its event loop): the session leaves its rooms. */
    void closed(WebSocketConnection connection) {
        ChatSession session = open.remove(connection.id());
        if (session != null) {
            finish(session);
        }
    }

    /**
     * Starts the sweep: a Vert.x timer on one event loop, which wakes once a second and nothing else does (a scheduler
     * would wake its own thread and then a worker's, each wake-up costing the idle server far more than the sweep;
     * docs/performance.md, "Wake-ups of an idle server").
     */
    void start(@Observes StartupEvent event) {
        vertx.setPeriodic(1000, id -> sweep());
    }

    /**
     * Once a second, on an event loop: ends expired and silent connections, and pings those whose {@code pingInterval}
     * has passed, in one task per event loop. (websockets-next's own auto-ping gives every connection a periodic timer:
     * at 5,000 connections, 500 event-loop wake-ups a second for nothing else; see docs/performance.md.)
     */
    void sweep() {
        long now = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        Map<Context, List<ChatSession>> pings = new HashMap<>();
        for (ChatSession session : open.values()) {
            if (session.expired(now)) {
                end(session, 1008, "token expired");
            } else if (session.silentNanos(nowNanos) > heartbeatTimeoutNanos) {
                end(session, 1001, "no heartbeat");
            } else if (session.pingDue(nowNanos, pingIntervalNanos)) {
                pings.computeIfAbsent(session.context(), c -> new ArrayList<>()).add(session);
            }
        }
        pings.forEach((loop, due) -> loop.runOnContext(v -> due.forEach(ChatSession::ping)));
    }

    /**
     * Ends a session from the server's side. It leaves its rooms at once (a vanished peer would never complete the
     * close handshake), then the connection is closed. Any thread.
     */
    private void end(ChatSession session, int code, String reason) {
        if (open.remove(session.id(), session)) {
            finish(session);
        }
        session.run(() -> session.close(code, reason));
    }

    private void finish(ChatSession session) {
        perUser.computeIfPresent(session.user(), (u, n) -> n.decrementAndGet() <= 0 ? null : n);
        session.run(() -> {
            if (session.end()) {
                chat.disconnected(session);
            }
        });
    }

    /** The open sessions of a user on this node (tests). */
    List<ChatSession> sessionsOf(String user) {
        return open.values().stream().filter(s -> s.user().equals(user)).toList();
    }

    /** Open connections of a user on this node (tests). */
    int connectionsOf(String user) {
        AtomicInteger n = perUser.get(user);
        return n == null ? 0 : n.get();
    }

    /**
     * Graceful stop, when the shutdown delay starts (before the HTTP server stops): no new connection is taken, what was accepted is committed
     * and acknowledged, then every connection is closed with 1012 so its client reconnects (to another node) and
     * resumes.
     */
    void shutdownStarts(@Observes ShutdownDelayInitiatedEvent event) {
        stop();
    }

    /** Where the shutdown delay is off (tests), the same steps run when shutdown proper begins. */
    void shutdown(@Observes @Priority(1) ShutdownEvent event) {
        stop();
    }

    private synchronized void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        writer.drain(Duration.ofSeconds(10));
        List<ChatSession> all = List.copyOf(open.values());
        CountDownLatch closed = new CountDownLatch(all.size());
        for (ChatSession session : all) {
            session.run(() -> {
                session.close(1012, "server shutting down: reconnect");
                closed.countDown();
            });
        }
        try {
            closed.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True once the node started its graceful stop (readiness goes down). */
    public boolean stopping() {
        return stopping;
    }
}
