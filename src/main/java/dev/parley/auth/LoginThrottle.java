package dev.parley.auth;

import dev.parley.config.ParleyConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@code loginMaxFailures} failed logins for a username, or
 * {@code loginMaxFailuresPerAddress} from one client address, within {@code loginWindow}, further attempts are
 * refused (429) until the oldest failure leaves the window.
 */
@Singleton
public class LoginThrottle {
    private final ConcurrentHashMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();
    private final int maxPerUser;
    private final int maxPerAddress;
    private final long windowMillis;

    LoginThrottle(ParleyConfig config) {
        this.maxPerUser = config.auth().loginMaxFailures();
        this.maxPerAddress = config.auth().loginMaxFailuresPerAddress();
        this.windowMillis = config.auth().loginWindow().toMillis();
    }

    /** Milliseconds to wait before trying again, or 0 when a try is allowed now. */
    public long retryAfterMs(String username, String address) {
        long now = System.currentTimeMillis();
        return Math.max(wait("u:" + username, maxPerUser, now), wait("a:" + address, maxPerAddress, now));
    }

    public void failed(String username, String address) {
        long now = System.currentTimeMillis();
        record("u:" + username, maxPerUser, now);
        record("a:" + address, maxPerAddress, now);
    }

    public void succeeded(String username) {
        failures.remove("u:" + username);
    }

    private long wait(String key, int maxFailures, long now) {
        Deque<Long> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst() <= now - windowMillis) {
                times.pollFirst();
            }
            return times.size() < maxFailures ? 0 : times.peekFirst() + windowMillis - now;
        }
    }

    private void record(String key, int maxFailures, long now) {
        Deque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(now);
            while (times.size() > maxFailures) {
                times.pollFirst();
            }
        }
    }

    @Scheduled(every = "1m")
    void purge() {
        long cutoff = System.currentTimeMillis() - windowMillis;
        failures.values().removeIf(times -> {
            synchronized (times) {
                return times.isEmpty() || times.peekLast() <= cutoff;
            }
        });
    }
}
