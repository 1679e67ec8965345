package dev.parley.assistant;

import dev.parley.cluster.ClusterBus;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One assistant turn at a time per room across all nodes (SPEC §5). A node's lanes already run a room's turns one
 * by one; with several nodes a turn also holds the room's lock in Redis while it runs ({@code parley:turn-lock:<room
 * id>}, set with {@code NX} and a {@value #TTL_MS} ms expiry that the holder renews every third of it, so a node that
 * dies frees the room within that time). A turn whose room is busy on another node waits, polling every
 * {@value #POLL_MS} ms, until the lock is free or the turn is cancelled. While Redis is unreachable each node only
 * keeps its own turns apart.
 */
@Singleton
class RoomTurnLock {
    private static final Logger LOG = Logger.getLogger(RoomTurnLock.class);
    static final long TTL_MS = 30_000;
    static final long POLL_MS = 50;
    private static final String RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";
    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

    private final RedisDataSource redis;
    private final ClusterBus bus;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("parley-turn-lock").factory());

    RoomTurnLock(RedisDataSource redis, ClusterBus bus) {
        this.redis = redis;
        this.bus = bus;
    }

    /** A held lock; {@link #release} it when the turn is over. */
    final class Held {
        private final String key;
        private final String value;
        private final ScheduledFuture<?> renewal;

        private Held(String key, String value) {
            this.key = key;
            this.value = value;
            this.renewal = key == null ? null : renewer.scheduleAtFixedRate(this::renew, TTL_MS / 3, TTL_MS / 3, TimeUnit.MILLISECONDS);
        }

        private void renew() {
            try {
                redis.execute("EVAL", RENEW, "1", key, value, Long.toString(TTL_MS));
            } catch (RuntimeException e) {
                LOG.debugf("renewing %s failed: %s", key, e);
            }
        }

        void release() {
            if (key == null) {
                return;
            }
            renewal.cancel(false);
            try {
                redis.execute("EVAL", RELEASE, "1", key, value);
            } catch (RuntimeException e) {
                LOG.warnf("releasing %s failed (it expires by itself): %s", key, e);
            }
        }
    }

    private final Held none = new Held(null, null);

    /**
     * Waits (on the turn's virtual thread) until this turn holds its room. Returns at once when there is one node,
     * when Redis is unreachable, or when the turn is cancelled while it waits.
     */
    Held acquire(Turn turn) throws InterruptedException {
        if (!bus.enabled()) {
            return none;
        }
        String key = "parley:turn-lock:" + turn.roomId;
        String value = bus.node() + ":" + turn.id;
        while (!turn.cancellation.cancelled()) {
            try {
                if (redis.execute("SET", key, value, "NX", "PX", Long.toString(TTL_MS)) != null) {
                    return new Held(key, value);
                }
            } catch (RuntimeException e) {
                LOG.warnf("Redis unreachable (%s): turn %s runs without the cross-node room lock", e, turn.id);
                return none;
            }
            Thread.sleep(Duration.ofMillis(POLL_MS));
        }
        return none;
    }

    void shutdown(@Observes ShutdownEvent event) {
        renewer.shutdownNow();
    }
}
