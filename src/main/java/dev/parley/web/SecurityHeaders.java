package dev.parley.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * SPEC §3: every page and API answer carries the browser hardening headers. A Vert.x filter runs before every other
 * route (REST, the web client's files, the WebSocket handshake, health, errors and 404s alike), so no answer can
 * leave without them. The policy allows only the server's own scripts, styles and WebSocket, images from itself or
 * {@code data:} URLs, and no framing.
 */
@ApplicationScoped
public class SecurityHeaders {
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'";

    /** Ahead of Quarkus's own filters (CORS, auth), so their early answers carry the headers too. */
    private static final int PRIORITY = 1_000_000;

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            MultiMap headers = rc.response().headers();
            headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            rc.next();
        }, PRIORITY);
    }
}
