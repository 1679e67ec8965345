package dev.parley.cluster;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How this node finds and hears the other nodes (SPEC §5). */
@ConfigMapping(prefix = "parley.cluster")
public interface ClusterConfig {

    /** Whether the bus between nodes is used ({@code CLUSTER_BUS}): {@code auto} (on when the database is PostgreSQL, the only one several nodes can share), {@code on} or {@code off}. */
    @WithDefault("auto")
    Mode bus();

    /** The Redis pub/sub channel the nodes of one cluster share ({@code CLUSTER_CHANNEL}, default {@code parley:bus}); two clusters on one Redis need two channels. */
    @WithDefault("parley:bus")
    String channel();

    /** This node's name on the bus ({@code NODE_ID}); default: the host name and a random suffix, new at every start. */
    Optional<String> nodeId();

    /** How often a node tells the others it is alive. */
    @WithDefault("5s")
    Duration heartbeat();

    /** A node not heard from for this long is taken for dead: its users go offline, its turns end (SPEC §5: within 40 s). */
    @WithDefault("20s")
    Duration nodeTimeout();

    /**
     * How long a user connected nowhere any more stays shown online before {@code presence offline} goes out (with
     * the bus on; a lone node announces at once): a reconnect through another node meanwhile is not seen as leaving.
     */
    @WithDefault("2s")
    Duration presenceGrace();

    /** How long a message that arrived ahead of a missing seq waits for it on the bus before the gap is read from the database. */
    @WithDefault("50ms")
    Duration gapWait();

    enum Mode {
        AUTO, ON, OFF
    }
}
