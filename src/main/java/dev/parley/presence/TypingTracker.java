package dev.parley.presence;

import dev.parley.config.ParleyConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Who is typing where. A typing indicator lasts {@code typingTimeout} after its last refresh; it ends earlier when
 * the user says so, sends a message or leaves. Only changes are reported, so refreshes cost no frames.
 */
@Singleton
public class TypingTracker {
    private final ConcurrentHashMap<String, ScheduledFuture<?>> typing = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("parley-typing").factory());
    private final long timeoutMillis;

    TypingTracker(ParleyConfig config) {
        this.timeoutMillis = config.ws().typingTimeout().toMillis();
    }

    /**
     * Records that {@code user} is typing in {@code room}; {@code onExpiry} runs if no refresh or stop comes in
     * time. True when the user was not typing before (the others must be told).
     */
    public boolean start(String room, String user, Runnable onExpiry) {
        String key = room + '\u0000' + user;
        boolean[] started = {false};
        typing.compute(key, (k, previous) -> {
            started[0] = previous == null;
            if (previous != null) {
                previous.cancel(false);
            }
            ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
            self[0] = timer.schedule(() -> {
                if (typing.remove(k, self[0])) {
                    onExpiry.run();
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            return self[0];
        });
        return started[0];
    }

    /** Ends a typing indicator; true when the user was typing (the others must be told). */
    public boolean stop(String room, String user) {
        ScheduledFuture<?> previous = typing.remove(room + '\u0000' + user);
        if (previous == null) {
            return false;
        }
        previous.cancel(false);
        return true;
    }

    void shutdown(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }
}
