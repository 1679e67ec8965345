package dev.parley.presence;

import dev.parley.config.ParleyConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Who is typing where. A typing indicator lasts {@code typingTimeout} after its last refresh; it ends earlier when
 * the user says so, sends a message or leaves. Only changes are reported, so refreshes cost no frames. A refresh
 * only moves a deadline: one sweep, a few times per timeout, ends the indicators whose deadline passed, so no timer
 * is created or cancelled per keystroke and nothing is left behind.
 */
@Singleton
public class TypingTracker {
    private static final Logger LOG = Logger.getLogger(TypingTracker.class);

    private record Typing(long deadlineNanos, Runnable onExpiry) {
    }

    private final ConcurrentHashMap<String, Typing> typing = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("parley-typing").factory());
    private final long timeoutNanos;

    TypingTracker(ParleyConfig config) {
        this.timeoutNanos = config.ws().typingTimeout().toNanos();
        long period = Math.clamp(TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 6, 50, 1000);
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Records that {@code user} is typing in {@code room}; {@code onExpiry} runs if no refresh or stop comes in
     * time. True when the user was not typing before (the others must be told).
     */
    public boolean start(String room, String user, Runnable onExpiry) {
        return typing.put(key(room, user), new Typing(System.nanoTime() + timeoutNanos, onExpiry)) == null;
    }

    /** Ends a typing indicator; true when the user was typing (the others must be told). */
    public boolean stop(String room, String user) {
        return typing.remove(key(room, user)) != null;
    }

    /** Indicators held now (tests: they go when they end). */
    int size() {
        return typing.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        for (var entry : typing.entrySet()) {
            Typing t = entry.getValue();
            if (now - t.deadlineNanos() >= 0 && typing.remove(entry.getKey(), t)) {
                try {
                    t.onExpiry().run();
                } catch (RuntimeException e) {
                    LOG.error("ending a typing indicator failed", e);
                }
            }
        }
    }

    private static String key(String room, String user) {
        return room + '\u0000' + user;
    }

    void shutdown(@Observes ShutdownEvent event) {
        sweeper.shutdownNow();
    }
}
