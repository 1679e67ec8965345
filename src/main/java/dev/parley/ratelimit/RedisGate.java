package dev.parley.ratelimit;

import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs an operation on Redis, or its in-process equivalent while Redis is unreachable. After a failure Redis is
 * left alone for {@code retryAfter}, then tried again; the first success switches back to it.
 */
public final class RedisGate {
    private static final Logger LOG = Logger.getLogger(RedisGate.class);
    private final String what;
    private final long retryAfterNanos;
    private volatile boolean degraded;
    private volatile long nextTryNanos;

    /** @param what what falls back, for the log ("login and registration throttles") */
    public RedisGate(String what, Duration retryAfter) {
        this.what = what;
        this.retryAfterNanos = retryAfter.toNanos();
    }

    /** True while the last Redis operation failed and the in-process equivalents are in use. */
    public boolean degraded() {
        return degraded;
    }

    public <T> T call(Supplier<T> onRedis, Supplier<T> inProcess) {
        if (degraded && System.nanoTime() < nextTryNanos) {
            return inProcess.get();
        }
        try {
            T result = onRedis.get();
            if (degraded) {
                LOG.infof("Redis is reachable again; the %s are shared through it again", what);
                degraded = false;
            }
            return result;
        } catch (RuntimeException e) {
            if (!degraded) {
                LOG.warnf("Redis unreachable (%s); the %s are kept in process on this node", e.toString(), what);
            }
            degraded = true;
            nextTryNanos = System.nanoTime() + retryAfterNanos;
            return inProcess.get();
        }
    }
}
