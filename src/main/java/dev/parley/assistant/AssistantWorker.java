package dev.parley.assistant;

import dev.parley.chat.ChatSession;
import dev.parley.chat.Outbox;
import dev.parley.chat.RoomHub;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.ServerEvent;
import dev.parley.room.RoomService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs assistant turns off the socket threads, on virtual threads. Each room has two serial lanes: admission
 * (mode, rate limit; quick) and turns (one at a time, in the order their messages were stored). At most
 * {@code queueCapacity} turns wait or run on the node (more get {@code busy}); {@code workers} run at once.
 */
@Singleton
public class AssistantWorker {
    private static final Logger LOG = Logger.getLogger(AssistantWorker.class);
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("parley-assistant-", 0).factory());
    private final ConcurrentHashMap<String, Lanes> lanes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Turn> live = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Semaphore running;
    private final AssistantConfig config;
    private final RoomHub hub;
    private final Outbox outbox;

    AssistantWorker(AssistantConfig config, RoomHub hub, Outbox outbox, MeterRegistry registry) {
        this.config = config;
        this.hub = hub;
        this.outbox = outbox;
        this.running = new Semaphore(Math.max(1, config.workers()));
        Gauge.builder("parley.llm.queue", pending, AtomicInteger::get).description("Assistant turns waiting or running").register(registry);
    }

    /** A room's two lanes and its turns not yet finished, in order. */
    private final class Lanes {
        final Serial admission = new Serial();
        final Serial turns = new Serial();
        final List<Turn> open = new ArrayList<>();
    }

    /** Runs tasks one at a time, in submission order, each on a virtual thread. */
    private final class Serial {
        private final Deque<Runnable> queue = new ArrayDeque<>();
        private boolean draining;

        synchronized void submit(Runnable task) {
            queue.add(task);
            if (!draining) {
                draining = true;
                threads.execute(this::drain);
            }
        }

        private void drain() {
            while (true) {
                Runnable task;
                synchronized (this) {
                    task = queue.poll();
                    if (task == null) {
                        draining = false;
                        return;
                    }
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("assistant task failed", e);
                }
            }
        }
    }

    private Lanes lanes(String room) {
        return lanes.computeIfAbsent(room, r -> new Lanes());
    }

    /** Queues the decision about a stored message; keeps the room's order. */
    void admit(String room, Runnable decide) {
        lanes(room).admission.submit(decide);
    }

    /** Queues a turn behind the room's earlier ones; refuses with {@code busy} when the node's queue is full. */
    void enqueue(Turn turn, TurnRunner runner) {
        if (pending.incrementAndGet() > config.queueCapacity()) {
            pending.decrementAndGet();
            throw new ProtocolException(ErrorCode.BUSY, "the assistant is busy; ask again shortly", 5000L);
        }
        Lanes l = lanes(turn.room);
        int ahead;
        synchronized (l.open) {
            ahead = l.open.size();
            l.open.add(turn);
        }
        live.put(turn.id, turn);
        turn.onSettled(pending::decrementAndGet);
        turn.start(hub, ahead > 0 ? ahead : null);
        l.turns.submit(() -> {
            try {
                running.acquireUninterruptibly();
                try {
                    runner.run(turn);
                } finally {
                    running.release();
                }
            } finally {
                turn.finish();
                live.remove(turn.id);
                synchronized (l.open) {
                    l.open.remove(turn);
                }
                turn.settle();
            }
        });
    }

    /** A member joined a room: it catches up with the room's open turns. */
    void joined(ChatSession session, String room) {
        Lanes l = lanes.get(room);
        if (l == null) {
            return;
        }
        List<Turn> open;
        synchronized (l.open) {
            open = List.copyOf(l.open);
        }
        for (Turn t : open) {
            t.replay(session, outbox);
        }
    }

    /** Turns waiting or running on this node. */
    int pending() {
        return pending.get();
    }

    Turn live(String turnId) {
        return live.get(turnId);
    }

    /** Tells the room a turn ended without a reply. */
    void fail(Turn turn, ErrorCode code, String message) {
        turn.settle();
        turn.finish();
        hub.broadcast(turn.room, new ServerEvent.AssistantError(turn.room, turn.id, code, message), s -> true);
    }

    /** Runs work off the caller's thread (a virtual thread). */
    public void async(Runnable task) {
        threads.execute(task);
    }

    /** A deleted room: its open turns stop and its lanes go. */
    void roomDeleted(@Observes RoomService.RoomDeleted event) {
        Lanes l = lanes.remove(event.name());
        if (l != null) {
            synchronized (l.open) {
                l.open.forEach(t -> t.cancellation.cancel());
            }
        }
    }

    void shutdown(@Observes ShutdownEvent event) {
        for (Turn t : live.values()) {
            t.cancellation.cancel();
        }
        threads.shutdown();
    }
}
