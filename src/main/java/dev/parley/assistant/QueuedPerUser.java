package dev.parley.assistant;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Fairness (SPEC §2): how many turns each user has queued or running on this node, at most {@code max} each
 * ({@code LLM_MAX_QUEUED_PER_USER}; 0 = no limit). A user with none left has no entry, so the map does not grow.
 */
final class QueuedPerUser {
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();
    private final int max;

    QueuedPerUser(int max) {
        this.max = max;
    }

    int max() {
        return max;
    }

    /** Takes a place for one more turn of {@code user}; false when the user already holds {@code max}. */
    boolean take(String user) {
        if (max <= 0) {
            return true;
        }
        boolean[] taken = {false};
        held.compute(user, (u, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    /** Gives back a place taken with {@link #take}. */
    void give(String user) {
        if (max > 0) {
            held.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Users holding at least one place. */
    int users() {
        return held.size();
    }
}
