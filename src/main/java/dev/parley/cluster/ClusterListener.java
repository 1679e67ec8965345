package dev.parley.cluster;

/** What a part of the node does when the cluster around it changes. Called on the bus's event loop: do not block. */
public interface ClusterListener {

    /**
     * The bus may have lost traffic addressed to this node (its subscription was cut and is back, or a peer could
     * not publish for a while): catch up from the database.
     */
    default void missedTraffic() {
    }

    /** Publish the state the other nodes mirror (a node just joined, or this node reconnected). */
    default void stateWanted() {
    }

    /** A node left (said goodbye or has not been heard from for the node timeout): forget what it held. */
    default void nodeGone(String node) {
    }
}
