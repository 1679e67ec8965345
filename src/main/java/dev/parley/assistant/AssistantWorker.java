package dev.parley.assistant;

import dev.parley.chat.ChatSession;
import dev.parley.chat.Outbox;
import dev.parley.chat.RoomHub;
import dev.parley.concurrent.Mailbox;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.ServerEvent;
import dev.parley.room.RoomService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs assistant turns off the socket threads, on virtual threads. Each room has two {@link Mailbox} lanes:
 * admission (mode, rate limit; quick) and turns (one at a time, in the order their messages were stored). A room's
 * lanes exist only while it has a task queued or running: the last task to finish removes them. At most
 * {@code queueCapacity} turns wait or run on the node and at most {@code maxQueuedPerUser} of one user (more get
 * {@code busy}); {@code workers} run at once.
 */
@Singleton
public class AssistantWorker {
    private static final Logger LOG = Logger.getLogger(AssistantWorker.class);
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("parley-assistant-", 0).factory());
    private final ConcurrentHashMap<String, Lanes> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final QueuedPerUser perUser;
    private final Semaphore running;
    private final AssistantConfig config;
    private final RoomHub hub;
    private final Outbox outbox;
    private final TurnRelay relay;
    private final RoomTurnLock roomLock;

    AssistantWorker(AssistantConfig config, RoomHub hub, Outbox outbox, TurnRelay relay, RoomTurnLock roomLock, MeterRegistry registry) {
        this.config = config;
        this.hub = hub;
        this.outbox = outbox;
        this.relay = relay;
        this.roomLock = roomLock;
        this.running = new Semaphore(Math.max(1, config.workers()));
        this.perUser = new QueuedPerUser(config.maxQueuedPerUser());
        Gauge.builder("parley.llm.queue", pending, AtomicInteger::get).description("Assistant turns waiting or running").register(registry);
    }

    /**
     * A room's two lanes and its turns not yet finished, in order. {@code tasks} counts the tasks queued or running
     * in both lanes; it changes only inside the map's {@code compute} for the room, so a lane is never removed
     * while a task is on its way into it.
     */
    private final class Lanes {
        final Mailbox admission = new Mailbox(threads, t -> LOG.error("assistant admission task failed", t));
        final Mailbox turns = new Mailbox(threads, t -> LOG.error("assistant turn task failed", t));
        final List<Turn> open = new ArrayList<>();
        int tasks;
    }

    /** The room's lanes, created when needed, holding one more task: give it back with {@link #release}. */
    private Lanes hold(String room) {
        return lanes.compute(room, (r, l) -> {
            Lanes held = l == null ? new Lanes() : l;
            held.tasks++;
            return held;
        });
    }

    /** A task of the room finished: the lanes go when it was the last one. */
    private void release(String room, Lanes held) {
        lanes.computeIfPresent(room, (r, l) -> l != held || --l.tasks > 0 ? l : null);
    }

    /** Rooms with lanes (a task queued or running); for tests. */
    int rooms() {
        return lanes.size();
    }

    /** Queues the decision about a stored message; keeps the room's order. */
    void admit(String room, Runnable decide) {
        Lanes l = hold(room);
        l.admission.submit(() -> {
            try {
                decide.run();
            } finally {
                release(room, l);
            }
        });
    }

    /**
     * Queues a turn behind the room's earlier ones; refuses with {@code busy} when the node's queue is full or the
     * asker already has {@code maxQueuedPerUser} turns queued or running. The turn may run at once, but shows nothing
     * until {@link #announce} (or never, once {@linkplain Turn#abandon abandoned}).
     */
    void enqueue(Turn turn, TurnRunner runner) {
        if (pending.incrementAndGet() > config.queueCapacity()) {
            pending.decrementAndGet();
            throw new ProtocolException(ErrorCode.BUSY, "the assistant is busy; ask again shortly", 5000L);
        }
        String user = turn.asker.username();
        if (!perUser.take(user)) {
            pending.decrementAndGet();
            throw new ProtocolException(ErrorCode.BUSY, "you already have " + perUser.max()
                    + " questions waiting for the assistant; ask again when one is answered");
        }
        turn.onSettled(() -> {
            pending.decrementAndGet();
            perUser.give(user);
        });
        Lanes l = hold(turn.room);
        synchronized (l.open) {
            l.open.add(turn);
        }
        l.turns.submit(() -> {
            RoomTurnLock.Held room = null;
            try {
                // with several nodes, one turn per room among them: wait for the room before taking a worker
                room = roomLock.acquire(turn);
                running.acquireUninterruptibly();
                try {
                    runner.run(turn);
                } finally {
                    running.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(turn, ErrorCode.INTERNAL, "the server is stopping; ask again");
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "turn %s in room %s failed", turn.id, turn.room);
                fail(turn, ErrorCode.INTERNAL, "the assistant failed on the server; the error is logged");
            } finally {
                if (room != null) {
                    room.release();
                }
                turn.shown(); // a turn ends only after it was shown (or abandoned), never before its start
                turn.finish();
                synchronized (l.open) {
                    l.open.remove(turn);
                }
                turn.settle();
                release(turn.room, l);
            }
        });
    }

    /**
     * The turn's question is on disk and delivered: every member of the room learns of the turn, with its place
     * behind the room's earlier turns when it waits. The turn is still open here: it ends only after it was shown.
     */
    void announce(Turn turn) {
        Lanes l = lanes.get(turn.room);
        int ahead = 0;
        if (l != null) {
            synchronized (l.open) {
                ahead = l.open.indexOf(turn);
            }
        }
        turn.start(TurnFrames.Members.of(hub), relay, ahead > 0 ? ahead : null);
    }

    /** A member joined a room: it catches up with the room's open turns. */
    void joined(ChatSession session, String room) {
        Lanes l = lanes.get(room);
        if (l == null) {
            relay.joined(session, room);
            return;
        }
        List<Turn> open;
        synchronized (l.open) {
            open = List.copyOf(l.open);
        }
        for (Turn t : open) {
            t.replay(session, outbox);
        }
        relay.joined(session, room);
    }

    /** Turns waiting or running on this node. */
    int pending() {
        return pending.get();
    }

    /** A turn of this node not yet ended. */
    Turn live(String turnId) {
        return relay.live(turnId);
    }

    /**
     * Tells the room a turn ended without a reply, once it was shown; nothing when the turn had already ended (its
     * reply stored) or was abandoned.
     */
    void fail(Turn turn, ErrorCode code, String message) {
        turn.settle();
        if (turn.shown() && turn.finish()) {
            hub.relay(turn.room, new ServerEvent.AssistantError(turn.room, turn.id, code, message), null);
        } else {
            turn.finish();
            LOG.warnf("turn %s in room %s had already ended or was abandoned; not sent: %s %s", turn.id, turn.room, code, message);
        }
    }

    /** Runs work off the caller's thread (a virtual thread). */
    public void async(Runnable task) {
        threads.execute(task);
    }

    /** A deleted room: its open turns stop; its lanes go once their tasks are done. */
    void roomDeleted(@Observes RoomService.RoomDeleted event) {
        Lanes l = lanes.get(event.name());
        if (l != null) {
            synchronized (l.open) {
                l.open.forEach(t -> t.cancellation.cancel());
            }
        }
    }

    void shutdown(@Observes ShutdownEvent event) {
        relay.cancelAll();
        threads.shutdown();
    }
}
