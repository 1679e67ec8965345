package dev.parley.auth;

import dev.parley.config.ParleyConfig;
import dev.parley.ratelimit.RedisGate;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-use WebSocket tickets for browsers (which cannot set headers on a WebSocket handshake). A ticket stands
 * for the bearer token that asked for it, so the socket lives no longer than that token. Tickets are kept in Redis
 * ({@code parley:ticket:<ticket>}, expiring with the ticket) and redeemed with {@code GETDEL}, so a ticket issued
 * by one node opens a socket on any node, once (SPEC §5). While Redis is unreachable they are kept in this node.
 */
@Singleton
public class TicketService {
    private static final String PREFIX = "parley:ticket:";
    private final ConcurrentHashMap<String, Pending> local = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ParleyConfig config;
    private final RedisDataSource redis;
    private final ReactiveRedisDataSource reactiveRedis;
    private final RedisGate gate = new RedisGate("WebSocket tickets", Duration.ofSeconds(2));

    TicketService(ParleyConfig config, RedisDataSource redis, ReactiveRedisDataSource reactiveRedis, Vertx vertx) {
        this.config = config;
        this.redis = redis;
        this.reactiveRedis = reactiveRedis;
        vertx.setPeriodic(30_000, id -> purgeExpired()); // on an event loop: no thread of its own to wake
    }

    private record Pending(String bearerToken, Instant expiresAt) {
    }

    /** A new ticket and when it stops working. */
    public record Ticket(String ticket, Instant expiresAt) {
    }

    /** Issues a ticket; blocks on Redis (a worker thread). */
    public Ticket issue(String bearerToken) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Duration ttl = config.auth().ticketTtl();
        Instant expiresAt = Instant.now().plus(ttl);
        gate.call(() -> redis.execute("SET", PREFIX + id, bearerToken, "PX", Long.toString(ttl.toMillis())),
                () -> local.put(id, new Pending(bearerToken, expiresAt)));
        return new Ticket(id, expiresAt);
    }

    /**
     * The bearer token behind a ticket, once: a second redemption, on any node, or one after expiry, finds nothing.
     * Does not block (the WebSocket handshake runs on an event loop).
     */
    public Uni<Optional<String>> redeem(String ticket) {
        if (ticket == null || ticket.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        Optional<String> here = redeemLocal(ticket);
        if (here.isPresent()) {
            return Uni.createFrom().item(here);
        }
        return reactiveRedis.execute("GETDEL", PREFIX + ticket)
                .map(r -> r == null ? Optional.<String>empty() : Optional.of(r.toString()))
                .onFailure().recoverWithItem(Optional.empty());
    }

    private Optional<String> redeemLocal(String ticket) {
        Pending pending = local.remove(ticket);
        if (pending == null || pending.expiresAt().isBefore(Instant.now())) {
            return Optional.empty();
        }
        return Optional.of(pending.bearerToken());
    }

    /** Every 30 s: tickets kept in this node that expired unredeemed are dropped. */
    void purgeExpired() {
        Instant now = Instant.now();
        local.values().removeIf(p -> p.expiresAt().isBefore(now));
    }
}
