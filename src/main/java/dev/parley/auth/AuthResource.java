package dev.parley.auth;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Timestamps;
import dev.parley.web.ErrorMappers;
import io.quarkus.elytron.security.common.BcryptUtil;
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
import java.time.Instant;
import java.util.Set;

/** SPEC §1: register, log in, and get a single-use WebSocket ticket. */
@Path("/api/auth")
@RunOnVirtualThread
public class AuthResource {
    private final TokenService tokens;
    private final TicketService tickets;
    private final LoginThrottle throttle;

    AuthResource(TokenService tokens, TicketService tickets, LoginThrottle throttle) {
        this.tokens = tokens;
        this.tickets = tickets;
        this.throttle = throttle;
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

    @POST
    @Path("/register")
    @PermitAll
    public Response register(Credentials body) {
        if (body == null || !Usernames.isUsername(body.username())) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "username must be 3-32 of A-Z a-z 0-9 _ . -");
        }
        if (body.password() == null || body.password().length() < 8) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "password must have at least 8 characters");
        }
        if (body.password().length() > 72) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "password must have at most 72 characters");
        }
        String hash = BcryptUtil.bcryptHash(body.password());
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                if (User.findByUsername(body.username()).isPresent()) {
                    throw new ProtocolException(ErrorCode.CONFLICT, "username is taken");
                }
                User user = new User();
                user.username = body.username();
                user.passwordHash = hash;
                user.createdAt = Instant.now();
                user.persistAndFlush();
            });
        } catch (PersistenceException e) {
            throw new ProtocolException(ErrorCode.CONFLICT, "username is taken");
        }
        return Response.status(201).entity(session(body.username())).build();
    }

    @POST
    @Path("/login")
    @PermitAll
    public Response login(Credentials body, @Context HttpServerRequest request) {
        String username = body == null ? null : body.username();
        String address = request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress();
        long wait = throttle.retryAfterMs(String.valueOf(username), address);
        if (wait > 0) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many failed logins, try again later", wait);
        }
        User user = body == null || username == null || body.password() == null ? null
                : QuarkusTransaction.requiringNew().call(() -> User.findByUsername(username).orElse(null));
        if (user == null || !BcryptUtil.matches(body.password(), user.passwordHash)) {
            throttle.failed(String.valueOf(username), address);
            return ErrorMappers.error(ErrorCode.UNAUTHORIZED, "invalid credentials");
        }
        throttle.succeeded(username);
        return Response.ok(session(username)).build();
    }

    @POST
    @Path("/ticket")
    @Authenticated
    public TicketView ticket(@Context HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "a ticket needs Authorization: Bearer <token>");
        }
        TicketService.Ticket ticket = tickets.issue(authorization.substring(7).trim());
        return new TicketView(ticket.ticket(), Timestamps.format(ticket.expiresAt()));
    }

    private Session session(String username) {
        TokenService.Issued issued = tokens.issue(username);
        return new Session(issued.token(), Timestamps.format(issued.expiresAt()), new UserView(username, tokens.roles(username)));
    }
}
