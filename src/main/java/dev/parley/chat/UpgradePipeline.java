package dev.parley.chat;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Not a check: it permits every upgrade, after keeping the connection's Netty pipeline for {@link Transport#tune}
 * ({@link Transport#remember}). The upgrade is the one moment Parley holds the connection's Vert.x request.
 */
@ApplicationScoped
public class UpgradePipeline implements HttpUpgradeCheck {
    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        Transport.remember(context);
        return CheckResult.permitUpgrade();
    }
}
