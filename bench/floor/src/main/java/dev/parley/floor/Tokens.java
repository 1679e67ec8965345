package dev.parley.floor;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.build.Jwt;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens as Parley's {@code auth.TokenService} makes and checks them (HS256, issuer and expiry checked, smallrye-jwt's
 * parser replaced by one pinned to the key). {@code POST /api/auth/register} answers 201 with a token at once, for any
 * name and password: the harness registers its users before anything is timed, and the floor keeps no users.
 */
@Path("/api/auth/register")
@Singleton
public class Tokens {
    static final String ISSUER = "parley";
    static final SecretKey KEY;
    static {
        try {
            KEY = new SecretKeySpec(MessageDigest.getInstance("SHA-256")
                    .digest("floor-secret-floor-secret-floor-secret".getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public record Register(String username, String password) {
    }

    @POST
    public Response register(Register r) {
        String token = Jwt.issuer(ISSUER).upn(r.username()).subject(r.username()).groups(Set.of("user"))
                .expiresAt(Instant.now().plusSeconds(86_400)).jws().algorithm(SignatureAlgorithm.HS256).sign(KEY);
        return Response.status(201).entity(Map.of("token", token)).build();
    }

    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    JWTParser jwtParser() {
        JWTAuthContextInfo info = new JWTAuthContextInfo(KEY, ISSUER);
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.HS256));
        info.setExpGracePeriodSecs(0);
        return new DefaultJWTParser(info);
    }
}
