package dev.parley.auth;

import dev.parley.config.ParleyConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.build.Jwt;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Issues Parley's JWTs and supplies the parser that verifies them (HS256 only, issuer and expiry checked). */
@Singleton
public class TokenService {
    private final SigningKey signingKey;
    private final ParleyConfig config;

    TokenService(SigningKey signingKey, ParleyConfig config) {
        this.signingKey = signingKey;
        this.config = config;
    }

    /** A signed token and when it expires. */
    public record Issued(String token, Instant expiresAt) {
    }

    public Issued issue(String username) {
        Instant expiresAt = Instant.now().plus(config.auth().tokenTtl());
        String token = Jwt.issuer(config.auth().issuer())
                .upn(username)
                .subject(username)
                .groups(roles(username))
                .expiresAt(expiresAt)
                .jws().algorithm(SignatureAlgorithm.HS256)
                .sign(signingKey.key());
        return new Issued(token, expiresAt);
    }

    public Set<String> roles(String username) {
        Set<String> roles = new LinkedHashSet<>();
        roles.add("user");
        if (config.auth().admins().orElse(List.of()).contains(username)) {
            roles.add("admin");
        }
        return roles;
    }

    /** Replaces smallrye-jwt's configured parser: the algorithm is pinned to HS256 with Parley's key and issuer. */
    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    JWTParser jwtParser() {
        JWTAuthContextInfo info = new JWTAuthContextInfo(signingKey.key(), config.auth().issuer());
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.HS256));
        info.setExpGracePeriodSecs(0);
        return new DefaultJWTParser(info);
    }
}
