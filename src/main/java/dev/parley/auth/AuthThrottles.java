package dev.parley.auth;

import dev.parley.config.ParleyConfig;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.ratelimit.Gcra;
import dev.parley.ratelimit.SharedLimits;
import dev.parley.web.ClientAddress;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;

/**
 * The identity endpoints' throttles (SPEC §1), shared by every node through Redis:
 * <ul>
 * <li>registration: {@code REGISTER_RATE_LIMIT} per client address (its /64 for IPv6) per hour, checked before the
 * password is hashed;</li>
 * <li>failed logins: {@code loginMaxFailures} per (username, client address) and {@code loginMaxFailuresPerAddress}
 * per address within {@code loginWindow}. Never per username alone: failing on purpose from one place slows that
 * place only, and the owner still logs in from theirs. A success forgets that pair's failures;</li>
 * <li>WebSocket tickets: {@code TICKET_RATE_LIMIT} per user per minute.</li>
 * </ul>
 * Keys are stored as fixed-size digests ({@link Gcra}), so a submitted username of any length costs the same.
 */
@Singleton
public class AuthThrottles {
    private final Gcra registrations;
    private final Gcra loginPairs;
    private final Gcra loginAddresses;
    private final Gcra tickets;

    AuthThrottles(SharedLimits limits, ParleyConfig config) {
        ParleyConfig.Auth auth = config.auth();
        this.registrations = limits.limit("register", auth.registerRateLimit(), Duration.ofHours(1));
        this.loginPairs = limits.limit("login:pair", auth.loginMaxFailures(), auth.loginWindow());
        this.loginAddresses = limits.limit("login:addr", auth.loginMaxFailuresPerAddress(), auth.loginWindow());
        this.tickets = limits.limit("ticket", auth.ticketRateLimit(), Duration.ofMinutes(1));
    }

    /** Counts a registration attempt from the address; {@code rate_limited} past the limit. */
    public void register(String address) {
        refuseIfDenied(registrations.acquire(ClientAddress.network(address)), "too many registrations from your address, try again later");
    }

    /** Refuses a login attempt while this pair or this address has failed too often. */
    public void beforeLogin(String username, String address) {
        Gcra.Decision pair = loginPairs.peek(pair(username, address));
        Gcra.Decision from = loginAddresses.peek(ClientAddress.network(address));
        if (!pair.allowed() || !from.allowed()) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many failed logins, try again later",
                    Math.max(pair.retryAfterMs(), from.retryAfterMs()));
        }
    }

    public void loginFailed(String username, String address) {
        loginPairs.acquire(pair(username, address));
        loginAddresses.acquire(ClientAddress.network(address));
    }

    public void loginSucceeded(String username, String address) {
        loginPairs.reset(pair(username, address));
    }

    /** Counts a ticket for the user; {@code rate_limited} past the limit. */
    public void ticket(String username) {
        refuseIfDenied(tickets.acquire(username), "too many tickets, try again later");
    }

    private static String pair(String username, String address) {
        return username.toLowerCase(Locale.ROOT) + "\n" + address;
    }

    private static void refuseIfDenied(Gcra.Decision decision, String message) {
        if (!decision.allowed()) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, message, decision.retryAfterMs());
        }
    }
}
