package dev.parley.cluster;

import static dev.parley.cluster.ClusterIT.member;
import static dev.parley.support.Api.unique;

import dev.parley.support.WsClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §5: a node that dies without a word (kill -9) is shown offline on the others within 40 s. */
class NodeDeathIT {
    /** The SPEC's bound, not a measurement. */
    private static final Duration SHOWN_OFFLINE_WITHIN = Duration.ofSeconds(40);
    private static TwoNodes nodes;

    @BeforeAll
    static void startNodes() throws Exception {
        nodes = TwoNodes.start(NodeDeathIT.class);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void theUsersOfANodeKilledWithoutAWordAreShownOfflineOnTheOtherNode() throws Exception {
        String room = unique("lifeline");
        String onA = unique("doomed");
        try (WsClient watcherOnB = member(nodes.b, unique("watch"), room); WsClient userOnA = member(nodes.a, onA, room)) {
            watcherOnB.await("presence", p -> onA.equals(p.path("user").asText()) && "online".equals(p.path("status").asText()));
            nodes.a.kill();
            watcherOnB.await("presence", p -> onA.equals(p.path("user").asText()) && "offline".equals(p.path("status").asText()),
                    SHOWN_OFFLINE_WITHIN);
            userOnA.abort();
        }
    }
}
