package dev.parley.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitTargetTest {
    /** A node that remembers which users it was asked to connect and how many it prepared. */
    private static final class Node implements Target {
        final List<Integer> opened = new ArrayList<>();
        int prepared;

        @Override
        public String name() {
            return "node";
        }

        @Override
        public void prepareUsers(int count) {
            prepared = count;
        }

        @Override
        public Future<Session> open(int user, Events events) {
            opened.add(user);
            return Future.failedFuture("not a real node");
        }

        @Override
        public boolean supportsPing() {
            return true;
        }
    }

    @Test
    void connectionsAlternateBetweenTheNodesAndUsersArePreparedOnceThroughTheFirst() throws Exception {
        Node a = new Node();
        Node b = new Node();
        SplitTarget split = new SplitTarget(List.of(a, b));
        split.prepareUsers(6);
        for (int user = 0; user < 6; user++) {
            split.open(user, Events.countingErrors(e -> { }));
        }
        assertEquals(List.of(0, 2, 4), a.opened);
        assertEquals(List.of(1, 3, 5), b.opened);
        assertEquals(6, a.prepared);
        assertEquals(0, b.prepared);
        assertEquals(1, split.nodeOf(5));
        assertEquals("node x2", split.name());
    }
}
