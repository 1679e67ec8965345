package dev.parley.chat;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Not a check: it permits every upgrade, after making the connection's writes coalesce
 * ({@link Transport#consolidateFlushes}). The upgrade is the one moment Parley holds the connection's Vert.x request.
 */
@ApplicationScoped
public class FlushConsolidation implements HttpUpgradeCheck {
    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        Transport.consolidateFlushes(context.httpRequest().connection());
        return CheckResult.permitUpgrade();
    }
}
