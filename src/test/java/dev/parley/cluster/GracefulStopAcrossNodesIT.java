package dev.parley.cluster;

import static dev.parley.cluster.ClusterIT.member;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.durability.Burst;
import dev.parley.durability.StoredHistory;
import dev.parley.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5 graceful stop in a cluster: node b, told to stop (SIGTERM) while a burst streams in through it, commits
 * what it acked and closes with 1012; every acked message is stored, and a member on node a saw each of them.
 */
class GracefulStopAcrossNodesIT {
    private static final int BURST = 2000;
    private static TwoNodes nodes;

    @BeforeAll
    static void startNodes() throws Exception {
        nodes = TwoNodes.start(GracefulStopAcrossNodesIT.class);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aNodeStoppedMidBurstLosesNoAckedMessageAndMembersOnTheOtherNodeSeeThemAll() throws Exception {
        String room = unique("stopping");
        try (WsClient memberOnA = member(nodes.a, unique("stays"), room)) {
            Burst burst = Burst.start(nodes.b, unique("sender"), List.of(room), BURST);
            burst.client.await("ack", a -> a.path("seq").asLong() >= BURST / 4);
            // 143 = 128 + SIGTERM: the JVM's status after its shutdown hooks ran to the end
            assertThat(nodes.b.stop()).as("exit code of a graceful stop").isIn(0, 143);
            assertThat(burst.client.awaitClose()[0]).as("close code").isEqualTo(1012);
            burst.awaitSendingEnded();
            List<JsonNode> acks = burst.client.received("ack");
            burst.client.abort();
            assertThat(acks).isNotEmpty();

            Map<String, JsonNode> stored = StoredHistory.byClientId(nodes.a.base().toString(), burst.token, List.of(room));
            for (JsonNode ack : acks) {
                JsonNode m = stored.get(ack.path("clientId").asText());
                assertThat(m).as("acked message %s is stored", ack.path("clientId").asText()).isNotNull();
                assertThat(m.path("id").asLong()).isEqualTo(ack.path("id").asLong());
                assertThat(m.path("seq").asLong()).isEqualTo(ack.path("seq").asLong());
            }

            long lastAcked = acks.stream().mapToLong(a -> a.path("seq").asLong()).max().orElseThrow();
            memberOnA.await("message", m -> m.path("seq").asLong() >= lastAcked, Duration.ofSeconds(30));
            memberOnA.sync();
            Set<Long> seen = memberOnA.received("message").stream().map(m -> m.path("id").asLong()).collect(Collectors.toSet());
            assertThat(acks).as("every acked message reached the member on node a")
                    .allMatch(a -> seen.contains(a.path("id").asLong()));
        }
    }
}
