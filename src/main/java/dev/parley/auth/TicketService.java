package dev.parley.auth;

import dev.parley.config.ParleyConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-use WebSocket tickets for browsers (which cannot set headers on a WebSocket handshake). A ticket stands
 * for the bearer token that asked for it, so the socket lives no longer than that token.
 */
@Singleton
public class TicketService {
    private final ConcurrentHashMap<String, Pending> tickets = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ParleyConfig config;

    TicketService(ParleyConfig config) {
        this.config = config;
    }

    private record Pending(String bearerToken, Instant expiresAt) {
    }

    /** A new ticket and when it stops working. */
    public record Ticket(String ticket, Instant expiresAt) {
    }

    public Ticket issue(String bearerToken) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = Instant.now().plus(config.auth().ticketTtl());
        tickets.put(id, new Pending(bearerToken, expiresAt));
        return new Ticket(id, expiresAt);
    }

    /** The bearer token behind a ticket, once: a second redemption, or one after expiry, finds nothing. */
    public Optional<String> redeem(String ticket) {
        Pending pending = ticket == null ? null : tickets.remove(ticket);
        if (pending == null || pending.expiresAt().isBefore(Instant.now())) {
            return Optional.empty();
        }
        return Optional.of(pending.bearerToken());
    }

    @Scheduled(every = "30s")
    void purgeExpired() {
        Instant now = Instant.now();
        tickets.values().removeIf(p -> p.expiresAt().isBefore(now));
    }
}
