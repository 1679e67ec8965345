package dev.parley.presence;

import dev.parley.config.ParleyConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Who is typing where. A typing indicator lasts {@code typingTimeout} after its last refresh; it ends earlier when
 * the user says so, sends a message or leaves. Only changes are reported, so refreshes cost no frames. A refresh
 * only moves a deadline: one sweep, a few times per timeout, ends the indicators whose deadline passed, so no timer
 * is created or cancelled per keystroke and nothing is left behind. The sweep runs only while someone types: a node
 * where no one does wakes no thread for it (docs/performance.md, "Wake-ups of an idle server").
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
    private final long periodMillis;
    /** True while a sweep is scheduled; set by the start that finds none, cleared by a sweep that leaves none behind. */
    private final AtomicBoolean sweeping = new AtomicBoolean();

    TypingTracker(ParleyConfig config) {
        this.timeoutNanos = config.ws().typingTimeout().toNanos();
        this.periodMillis = Math.clamp(TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 6, 50, 1000);
    }

    /**
     * Records that {@code user} is typing in {@code room}; {@code onExpiry} runs if no refresh or stop comes in
     * time. True when the user was not typing before (the others must be told).
     */
    public boolean start(String room, String user, Runnable onExpiry) {
        boolean started = typing.put(key(room, user), new Typing(System.nanoTime() + timeoutNanos, onExpiry)) == null;
        if (started) {
            sweepSoon();
        }
        return started;
    }

    /** Schedules the next sweep unless one is scheduled already. */
    private void sweepSoon() {
        if (sweeping.compareAndSet(false, true)) {
            try {
                sweeper.schedule(this::sweep, periodMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // the node is shutting down: its connections close, and no indicator outlives them
            }
        }
    }

    /** Ends a typing indicator; true when the user was typing (the others must be told). */
    public boolean stop(String room, String user) {
        return typing.remove(key(room, user)) != null;
    }

    /** True while a sweep is scheduled (tests: none while no one types). */
    boolean sweepScheduled() {
        return sweeping.get();
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
        sweeping.set(false);
        if (!typing.isEmpty()) {
            sweepSoon(); // indicators left, or one started after the loop above and found this sweep still scheduled
        }
    }

    private static String key(String room, String user) {
        return room + '\u0000' + user;
    }

    void shutdown(@Observes ShutdownEvent event) {
        sweeper.shutdownNow();
    }
}
