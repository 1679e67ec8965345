package dev.parley.auth;

import io.quarkus.security.identity.SecurityIdentity;

/** Who is asking: a username and whether they are an admin. */
public record Caller(String username, boolean admin) {
    public static Caller of(SecurityIdentity identity) {
        return new Caller(identity.getPrincipal().getName(), identity.hasRole("admin"));
    }
}
