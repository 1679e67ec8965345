package dev.parley.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.inject.Singleton;

/**
 * Password hashing (bcrypt, cost 10): the costly step of registration and login, so each run is counted
 * ({@code parley_auth_bcrypt_total}): an operator sees the CPU spent on it, and tests prove that refusals come first.
 */
@Singleton
public class Passwords {
    private final Counter hashed;
    private final Counter verified;

    Passwords(MeterRegistry registry) {
        this.hashed = Counter.builder("parley.auth.bcrypt").tag("op", "hash").description("bcrypt runs").register(registry);
        this.verified = Counter.builder("parley.auth.bcrypt").tag("op", "verify").description("bcrypt runs").register(registry);
    }

    public String hash(String password) {
        hashed.increment();
        return BcryptUtil.bcryptHash(password);
    }

    public boolean matches(String password, String hash) {
        verified.increment();
        return BcryptUtil.matches(password, hash);
    }
}
