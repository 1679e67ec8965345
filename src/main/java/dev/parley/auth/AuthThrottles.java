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
 * place only, and the owner still logs in from theirs. Every attempt is counted before the password is checked
 * (so parallel guesses cannot overrun the limit) and a success hands it back and forgets the pair's failures;</li>
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

    /**
     * Counts a login attempt against its (username, address) pair and its address, before the password is checked;
     * {@code rate_limited} when either has failed too often. Counting first (not only after a failure) keeps parallel
     * guesses within the limit; {@link #loginSucceeded} hands the attempt back.
     */
    public void beforeLogin(String username, String address) {
        String pair = pair(username, address);
        Gcra.Decision byPair = loginPairs.acquire(pair);
        if (!byPair.allowed()) {
            throw tooManyFailures(byPair.retryAfterMs());
        }
        Gcra.Decision byAddress = loginAddresses.acquire(ClientAddress.network(address));
        if (!byAddress.allowed()) {
            loginPairs.release(pair);
            throw tooManyFailures(byAddress.retryAfterMs());
        }
    }

    /** A good password: the attempt does not count, and the pair's earlier failures are forgotten. */
    public void loginSucceeded(String username, String address) {
        loginPairs.reset(pair(username, address));
        loginAddresses.release(ClientAddress.network(address));
    }

    private static ProtocolException tooManyFailures(long retryAfterMs) {
        return new ProtocolException(ErrorCode.RATE_LIMITED, "too many failed logins, try again later", retryAfterMs);
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
