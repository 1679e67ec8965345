package dev.parley.chat;

import io.netty.channel.ChannelPipeline;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test only: remembers the Netty pipeline of each user's latest upgraded connection; permits every upgrade. */
@ApplicationScoped
public class PipelineProbe implements HttpUpgradeCheck {
    private final Map<String, ChannelPipeline> latest = new ConcurrentHashMap<>();

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        ChannelPipeline pipeline = Transport.pipeline(context.httpRequest().connection());
        return context.securityIdentity().map(identity -> {
            if (identity != null && !identity.isAnonymous()) {
                latest.put(identity.getPrincipal().getName(), pipeline);
            }
            return CheckResult.permitUpgradeSync();
        });
    }

    ChannelPipeline pipelineOf(String user) {
        return latest.get(user);
    }
}
