package dev.parley.chat;

import io.netty.channel.ChannelPipeline;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.impl.ConnectionBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test only: remembers the Netty pipeline of each user's latest upgraded connection; permits every upgrade. */
@ApplicationScoped
public class PipelineProbe implements HttpUpgradeCheck {
    private final Map<String, ChannelPipeline> latest = new ConcurrentHashMap<>();

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        ChannelPipeline pipeline = ((ConnectionBase) context.httpRequest().connection()).channelHandlerContext().pipeline();
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
