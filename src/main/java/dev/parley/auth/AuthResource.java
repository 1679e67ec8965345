package dev.parley.auth;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Timestamps;
import dev.parley.web.ClientAddress;
import dev.parley.web.ErrorMappers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.Authenticated;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.Set;

/** SPEC §1: register, log in, and get a single-use WebSocket ticket. */
@Path("/api/auth")
@RunOnVirtualThread
public class AuthResource {
    /** Longest password accepted (bcrypt reads at most 72 bytes of it). */
    private static final int MAX_PASSWORD_CHARS = 72;
    private final TokenService tokens;
    private final TicketService tickets;
    private final AuthThrottles throttles;
    private final Usernames usernames;
    private final ClientAddress clientAddress;
    private final Passwords passwords;

    AuthResource(TokenService tokens, TicketService tickets, AuthThrottles throttles, Usernames usernames,
            ClientAddress clientAddress, Passwords passwords) {
        this.passwords = passwords;
        this.tokens = tokens;
        this.tickets = tickets;
        this.throttles = throttles;
        this.usernames = usernames;
        this.clientAddress = clientAddress;
    }

    @RegisterForReflection
    public record Credentials(String username, String password) {
    }

    @RegisterForReflection
    public record UserView(String username, Set<String> roles) {
    }

    @RegisterForReflection
    public record Session(String token, String expiresAt, UserView user) {
    }

    @RegisterForReflection
    public record TicketView(String ticket, String expiresAt) {
    }

    /**
     * Everything that can refuse a registration runs before bcrypt (the costly part): the name's rules, the
     * per-address throttle, the password's length, and whether the name is taken in any case. The unique
     * {@code username_key} decides a race between two registrations of one name.
     */
    @POST
    @Path("/register")
    @PermitAll
    public Response register(Credentials body, @Context HttpServerRequest request) {
        if (body == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "a JSON body with username and password is required");
        }
        usernames.requireRegistrable(body.username());
        throttles.register(clientAddress.of(request));
        if (body.password() == null || body.password().length() < 8) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "password must have at least 8 characters");
        }
        if (body.password().length() > MAX_PASSWORD_CHARS) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "password must have at most " + MAX_PASSWORD_CHARS + " characters");
        }
        if (QuarkusTransaction.requiringNew().call(() -> User.isTaken(body.username()))) {
            throw taken();
        }
        String hash = passwords.hash(body.password());
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                if (User.isTaken(body.username())) {
                    throw taken();
                }
                User user = new User();
                user.username = body.username();
                user.passwordHash = hash;
                user.createdAt = Instant.now();
                user.persistAndFlush();
            });
        } catch (PersistenceException e) {
            throw taken();
        }
        return Response.status(201).entity(session(body.username())).build();
    }

    private static ProtocolException taken() {
        return new ProtocolException(ErrorCode.CONFLICT, "username is taken");
    }

    /** A name in any case logs in to its account; the token carries the account's own spelling. */
    @POST
    @Path("/login")
    @PermitAll
    public Response login(Credentials body, @Context HttpServerRequest request) {
        String username = body == null || body.username() == null ? "" : body.username();
        String password = body == null ? null : body.password();
        String address = clientAddress.of(request);
        throttles.beforeLogin(username, address);
        // a password longer than any registration accepts cannot match: no lookup, no bcrypt
        User user = !Usernames.isValid(username) || password == null || password.length() > MAX_PASSWORD_CHARS ? null
                : QuarkusTransaction.requiringNew().call(() -> User.findForLogin(username).orElse(null));
        if (user == null || !passwords.matches(password, user.passwordHash)) {
            return ErrorMappers.error(ErrorCode.UNAUTHORIZED, "invalid credentials");
        }
        throttles.loginSucceeded(username, address);
        return Response.ok(session(user.username)).build();
    }

    @POST
    @Path("/ticket")
    @Authenticated
    public TicketView ticket(@Context HttpHeaders headers, @Context SecurityContext security) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "a ticket needs Authorization: Bearer <token>");
        }
        throttles.ticket(security.getUserPrincipal().getName());
        TicketService.Ticket ticket = tickets.issue(authorization.substring(7).trim());
        return new TicketView(ticket.ticket(), Timestamps.format(ticket.expiresAt()));
    }

    private Session session(String username) {
        TokenService.Issued issued = tokens.issue(username);
        return new Session(issued.token(), Timestamps.format(issued.expiresAt()), new UserView(username, tokens.roles(username)));
    }
}
