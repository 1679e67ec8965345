package dev.parley.chat;

import io.quarkus.security.credential.Credential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.Permission;
import java.security.Principal;
import java.util.Map;
import java.util.Set;

/**
 * Test-only fault injection: the identity of a user whose name starts with {@link #PREFIX} fails when asked for a
 * role, as a broken identity provider would, so opening that user's connection throws. Every other identity passes
 * untouched.
 */
@ApplicationScoped
public class FaultyIdentities implements SecurityIdentityAugmentor {
    public static final String PREFIX = "faulty";

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        boolean faulty = !identity.isAnonymous() && identity.getPrincipal().getName().startsWith(PREFIX);
        return Uni.createFrom().item(faulty ? new Failing(identity) : identity);
    }

    private record Failing(SecurityIdentity delegate) implements SecurityIdentity {
        @Override
        public boolean hasRole(String role) {
            throw new IllegalStateException("injected failure: no role can be read");
        }

        @Override
        public Principal getPrincipal() {
            return delegate.getPrincipal();
        }

        @Override
        public boolean isAnonymous() {
            return delegate.isAnonymous();
        }

        @Override
        public Set<String> getRoles() {
            return delegate.getRoles();
        }

        @Override
        public <T extends Credential> T getCredential(Class<T> type) {
            return delegate.getCredential(type);
        }

        @Override
        public Set<Credential> getCredentials() {
            return delegate.getCredentials();
        }

        @Override
        public <T> T getAttribute(String name) {
            return delegate.getAttribute(name);
        }

        @Override
        public Map<String, Object> getAttributes() {
            return delegate.getAttributes();
        }

        @Override
        public Uni<Boolean> checkPermission(Permission permission) {
            return delegate.checkPermission(permission);
        }
    }
}
