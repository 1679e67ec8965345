package dev.parley.chat;

import dev.parley.config.ParleyConfig;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Refuses a browser handshake (one with an {@code Origin}) from any origin other than the server's own or one
 * listed in {@code CORS_ORIGINS}, with 403. Clients without an {@code Origin} (terminal clients, bots) pass.
 */
@ApplicationScoped
public class OriginCheck implements HttpUpgradeCheck {
    private final List<String> allowed;

    OriginCheck(ParleyConfig config) {
        this.allowed = config.corsOrigins().orElse(List.of()).stream().map(OriginCheck::normalize).toList();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        String origin = request.getHeader("Origin");
        if (origin == null || permitted(normalize(origin), request)) {
            return CheckResult.permitUpgrade();
        }
        return CheckResult.rejectUpgrade(403);
    }

    private boolean permitted(String origin, HttpServerRequest request) {
        if (allowed.contains(origin)) {
            return true;
        }
        String host = request.authority() == null ? request.getHeader("Host") : request.authority().toString();
        if (host == null) {
            return false;
        }
        String scheme = request.isSSL() ? "https" : "http";
        return origin.equals(normalize(scheme + "://" + host));
    }

    static String normalize(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
            return scheme + "://" + host + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return "invalid:" + origin;
        }
    }
}
