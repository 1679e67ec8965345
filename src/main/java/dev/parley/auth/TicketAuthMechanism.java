package dev.parley.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Authenticates the WebSocket handshake by {@code ?ticket=}: the ticket is redeemed (once) for the bearer token
 * that asked for it, which then goes through the ordinary JWT verification. Requests without a ticket fall
 * through to the bearer-token mechanism.
 */
@ApplicationScoped
public class TicketAuthMechanism implements HttpAuthenticationMechanism {
    private static final String REDEEMED = TicketAuthMechanism.class.getName() + ".redeemed";
    private final TicketService tickets;

    TicketAuthMechanism(TicketService tickets) {
        this.tickets = tickets;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!"/ws".equals(context.normalizedPath())) {
            return Uni.createFrom().nullItem();
        }
        String ticket = context.request().getParam("ticket");
        if (ticket == null) {
            return Uni.createFrom().nullItem();
        }
        // the same request may be authenticated more than once (permission check, then the endpoint):
        // redeem the ticket once and reuse the outcome
        Uni<SecurityIdentity> redeemed = context.get(REDEEMED);
        if (redeemed == null) {
            redeemed = tickets.redeem(ticket)
                    .flatMap(token -> token
                            .map(t -> identityProviderManager.authenticate(new TokenAuthenticationRequest(new JsonWebTokenCredential(t))))
                            .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException("invalid or used ticket"))))
                    .memoize().indefinitely();
            context.put(REDEEMED, redeemed);
        }
        return redeemed;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, null, null));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }
}
