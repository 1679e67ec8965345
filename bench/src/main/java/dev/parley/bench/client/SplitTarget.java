package dev.parley.bench.client;

import io.vertx.core.Future;
import java.util.List;

/**
 * Several nodes of one server seen as one target: connection {@code i} goes to node {@code i % nodes}, so a room's
 * members and its senders alternate between the nodes. The users must be valid on every node (Parley:
 * {@link ParleyTarget#onNode} shares the registered users); they are prepared through the first.
 */
public final class SplitTarget implements Target {
    private final List<Target> nodes;

    public SplitTarget(List<Target> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no node");
        }
        this.nodes = List.copyOf(nodes);
    }

    /** The node connection {@code i} is opened on. */
    public int nodeOf(int i) {
        return i % nodes.size();
    }

    @Override
    public String name() {
        return nodes.getFirst().name() + " x" + nodes.size();
    }

    @Override
    public void prepareUsers(int count) throws Exception {
        nodes.getFirst().prepareUsers(count);
    }

    @Override
    public Future<Session> open(int user, Events events) {
        return nodes.get(nodeOf(user)).open(user, events);
    }

    @Override
    public boolean supportsPing() {
        return nodes.stream().allMatch(Target::supportsPing);
    }
}
