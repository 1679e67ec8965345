package dev.parley.message;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.parley.cluster.ClusterBus;
import dev.parley.cluster.ClusterConfig;
import dev.parley.cluster.ClusterListener;
import dev.parley.cluster.Topic;
import dev.parley.config.ParleyConfig;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Timestamps;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * The one way messages are stored. Sends are queued to one of {@code shards} writers chosen by room, so a room's
 * messages are always written by the same writer (their seqs are taken in order without contention) while rooms
 * on different writers commit in parallel. Each writer drains what is queued and commits it in one transaction
 * (group commit). Only after the commit does the shard's delivery thread hand the messages to the fan-out, in seq
 * order, and then complete the sends (the ack), while the writer already commits the next batch.
 */
@Singleton
public class MessageWriter {
    private static final Logger LOG = Logger.getLogger(MessageWriter.class);

    private final ParleyConfig config;
    private final MessageFanout fanout;
    private final HistoryService history;
    private final ClusterBus bus;
    private final long gapWaitNanos;
    private final ObjectWriter frames;
    private final ObjectReader frameReader;
    private final Counter stored;
    private final Timer commitTimer;
    private final MeterRegistry registry;
    private Shard[] shards;
    private final AtomicLong inFlight = new AtomicLong();
    private volatile boolean accepting = true;

    MessageWriter(ParleyConfig config, MessageFanout fanout, HistoryService history, ClusterBus bus, ClusterConfig cluster,
            ObjectMapper json, MeterRegistry registry) {
        this.config = config;
        this.fanout = fanout;
        this.history = history;
        this.bus = bus;
        this.gapWaitNanos = cluster.gapWait().toNanos();
        this.frames = json.writerFor(ServerEvent.class);
        this.frameReader = json.readerFor(ServerEvent.class);
        this.registry = registry;
        this.stored = Counter.builder("parley.messages.stored").description("Messages committed").register(registry);
        this.commitTimer = Timer.builder("parley.messages.commit").description("Group-commit transaction time")
                .publishPercentileHistogram().register(registry);
    }

    void start(@Observes StartupEvent event) {
        int n = Math.max(1, config.writer().shards());
        shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard(i, config.writer().queueCapacity());
            Thread.ofPlatform().daemon().name("parley-writer-" + i).start(shards[i]);
            Thread.ofPlatform().daemon().name("parley-deliver-" + i).start(shards[i]::deliver);
        }
        if (bus.enabled()) {
            FunctionCounter.builder("parley.cluster.gap.filled", shards, all -> {
                long sum = 0;
                for (Shard shard : all) {
                    RoomSequencer seq = shard.sequencer;
                    sum += seq == null ? 0 : seq.filled();
                }
                return sum;
            }).description("Messages of other nodes read from the database because the bus lost them").register(registry);
            bus.on(Topic.MESSAGE, this::fromPeer);
            bus.listen(new ClusterListener() {
                @Override
                public void missedTraffic() {
                    for (Shard shard : shards) {
                        shard.deliveries.add(new CatchUp());
                    }
                }
            });
        }
    }

    /** A message another node committed: {@code <roomId>\n<message frame>}. On the bus's event loop. */
    private void fromPeer(String node, String body) {
        int cut = body.indexOf('\n');
        long roomId = Long.parseLong(body, 0, cut, 10);
        MessageView m;
        try {
            m = (MessageView) frameReader.readValue(body.substring(cut + 1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        fanout.storedElsewhere(m);
        shardOf(roomId).deliveries.add(new Remote(roomId, m, System.nanoTime()));
    }

    /**
     * A join read room {@code roomId} up to {@code lastSeq}; with several nodes, where the node's live stream of the
     * room starts when it was not followed yet (see {@link RoomSequencer#known}). Any thread.
     */
    public void known(long roomId, String room, long lastSeq) {
        if (bus.enabled()) {
            shardOf(roomId).deliveries.add(new Known(roomId, room, lastSeq));
        }
    }

    private Shard shardOf(long roomId) {
        return shards[Math.floorMod(Long.hashCode(roomId), shards.length)];
    }

    void stop(@Observes ShutdownEvent event) {
        drain(Duration.ofSeconds(10));
    }

    /**
     * Stops taking messages and waits (up to {@code timeout}) until every message accepted so far is committed,
     * handed to the fan-out and answered, then stops the writers. Idempotent; the first graceful-stop step.
     */
    public void drain(Duration timeout) {
        accepting = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        if (inFlight.get() > 0) {
            LOG.warnf("shutting down with %d messages not yet committed", inFlight.get());
        }
        if (shards != null) {
            for (Shard shard : shards) {
                shard.stop();
            }
        }
    }

    /** Queues a message; the future completes after its commit. Refuses with {@code busy} when the writer is full. */
    public CompletableFuture<Stored> submit(Draft draft) {
        if (!accepting) {
            throw new ProtocolException(ErrorCode.BUSY, "the server is shutting down; send it again after reconnecting", 1000L);
        }
        Pending pending = new Pending(draft, new CompletableFuture<>(), System.nanoTime());
        Shard shard = shardOf(draft.roomId());
        inFlight.incrementAndGet();
        if (!shard.queue.offer(pending)) {
            inFlight.decrementAndGet();
            throw new ProtocolException(ErrorCode.BUSY, "the server is busy, try again shortly", 1000L);
        }
        return pending.result;
    }

    /** Completes a send exactly once and counts it out of the in-flight messages. */
    private void settle(Pending p, Stored stored, Throwable failure) {
        boolean first = failure == null ? p.result().complete(stored) : p.result().completeExceptionally(failure);
        if (first) {
            inFlight.decrementAndGet();
        }
    }

    private record Pending(Draft draft, CompletableFuture<Stored> result, long receivedNanos) {
    }

    private record Outcome(Pending pending, Stored stored, boolean fresh) {
    }

    /** Work for a shard's delivery thread. */
    private sealed interface Delivery {
    }

    /** Outcomes of one commit of this node, in seq order per room. */
    private record Committed(List<Outcome> outcomes) implements Delivery {
    }

    /** A message another node committed. */
    private record Remote(long roomId, MessageView message, long receivedNanos) implements Delivery {
    }

    private record Known(long roomId, String room, long lastSeq) implements Delivery {
    }

    private record CatchUp() implements Delivery {
    }

    private final class Shard implements Runnable {
        final BlockingQueue<Pending> queue;
        final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
        final int index;
        volatile boolean running = true;

        Shard(int index, int capacity) {
            this.index = index;
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            int max = Math.max(1, config.writer().maxBatch());
            List<Pending> batch = new ArrayList<>(max);
            while (running || !queue.isEmpty()) {
                try {
                    Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, max - 1);
                    write(batch);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    // write() answers every message it could not store; this is a bug in it: answer what is left
                    LOG.error("message writer " + index + " failed", e);
                    for (Pending p : batch) {
                        settle(p, null, new ProtocolException(ErrorCode.INTERNAL, "the message could not be stored; send it again"));
                    }
                } finally {
                    batch.clear();
                }
            }
        }

        private void write(List<Pending> batch) {
            List<Outcome> outcomes;
            long start = System.nanoTime();
            try {
                outcomes = QuarkusTransaction.requiringNew().call(() -> commit(batch));
            } catch (RuntimeException batchFailure) {
                // One bad item (a room deleted meanwhile, a clash with another node) must not sink the others:
                // store them one by one.
                LOG.debugf(batchFailure, "a batch of %d failed; storing its messages one by one", batch.size());
                outcomes = new ArrayList<>(batch.size());
                for (Pending p : batch) {
                    try {
                        outcomes.addAll(QuarkusTransaction.requiringNew().call(() -> commit(List.of(p))));
                    } catch (RuntimeException e) {
                        settle(p, null, e instanceof ProtocolException ? e
                                : new ProtocolException(ErrorCode.INTERNAL, "the message could not be stored; send it again"));
                        if (!(e instanceof ProtocolException)) {
                            LOG.warn("storing a message failed", e);
                        }
                    }
                }
            }
            commitTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (!outcomes.isEmpty()) {
                deliveries.add(new Committed(outcomes));
            }
        }

        /**
         * Runs on the shard's delivery thread, which owns the delivery of the shard's rooms: hands committed messages
         * to the fan-out in seq order, then completes their sends (the ack), while the writer already commits the
         * next batch. With several nodes it also publishes them to the others and puts theirs in order with ours
         * ({@link RoomSequencer}).
         */
        /** Set once on the delivery thread; read by the metric. */
        volatile RoomSequencer sequencer;

        private void deliver() {
            RoomSequencer sequencer = bus.enabled() ? new RoomSequencer(fanout, history::after, gapWaitNanos) : null;
            this.sequencer = sequencer;
            long nextSweep = System.nanoTime();
            while (running || !deliveries.isEmpty()) {
                try {
                    long wait = sequencer == null ? -1 : sequencer.nextWaitNanos(System.nanoTime());
                    Delivery work = deliveries.poll(wait < 0 ? 200_000_000L : wait, TimeUnit.NANOSECONDS);
                    if (work != null) {
                        switch (work) {
                            case Committed c -> delivered(c.outcomes(), sequencer);
                            case Remote r -> sequencer.offer(r.roomId(), r.message(), r.receivedNanos());
                            case Known k -> sequencer.known(k.roomId(), k.room(), k.lastSeq());
                            case CatchUp c -> sequencer.catchUp();
                        }
                    }
                    if (sequencer != null) {
                        long now = System.nanoTime();
                        sequencer.expire(now);
                        if (now - nextSweep > 0) {
                            sequencer.sweep();
                            nextSweep = now + 10_000_000_000L;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    LOG.error("message delivery " + index + " failed", e);
                }
            }
        }

        private void delivered(List<Outcome> outcomes, RoomSequencer sequencer) {
            for (Outcome o : outcomes) {
                if (o.fresh()) {
                    stored.increment();
                    MessageView m = o.stored().message();
                    if (sequencer == null) {
                        try {
                            fanout.committed(m, o.pending().receivedNanos());
                        } catch (RuntimeException e) {
                            // the message is committed: its sender still gets the ack, members resume from history
                            LOG.errorf(e, "delivering message %d of %s failed", m.seq(), m.room());
                        }
                    } else {
                        publish(o.pending().draft().roomId(), m);
                        sequencer.offer(o.pending().draft().roomId(), m, o.pending().receivedNanos());
                    }
                }
                settle(o.pending(), o.stored(), null);
            }
        }
    }

    private void publish(long roomId, MessageView m) {
        try {
            bus.publish(Topic.MESSAGE, roomId + "\n" + frames.writeValueAsString(m));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode message " + m.seq() + " of " + m.room(), e);
        }
    }

    /** Stores a batch in the caller's transaction; returns the outcomes in seq order per room. */
    private List<Outcome> commit(List<Pending> batch) {
        EntityManager em = Message.getEntityManager();
        Instant now = Timestamps.now();
        Map<Long, List<Pending>> byRoom = new LinkedHashMap<>();
        for (Pending p : batch) {
            byRoom.computeIfAbsent(p.draft().roomId(), k -> new ArrayList<>()).add(p);
        }
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        for (Map.Entry<Long, List<Pending>> entry : byRoom.entrySet()) {
            long roomId = entry.getKey();
            List<Pending> items = entry.getValue();
            String room = items.get(0).draft().room();

            // idempotency: earlier stores of the same (sender, clientId), and repeats inside this batch
            Map<String, Message> seen = new HashMap<>();
            List<String> clientIds = items.stream().map(p -> p.draft().clientId()).filter(id -> id != null).distinct().toList();
            if (!clientIds.isEmpty()) {
                em.createQuery("select m from Message m where m.roomId = :r and m.clientId in :ids", Message.class)
                        .setParameter("r", roomId).setParameter("ids", clientIds).getResultList()
                        .forEach(m -> seen.put(m.sender + '\u0000' + m.clientId, m));
            }
            List<Pending> fresh = new ArrayList<>(items.size());
            for (Pending p : items) {
                if (p.draft().clientId() == null || !seen.containsKey(key(p.draft()))) {
                    fresh.add(p);
                    if (p.draft().clientId() != null) {
                        seen.put(key(p.draft()), null);
                    }
                }
            }
            long seq = 0;
            if (!fresh.isEmpty()) {
                int bumped = em.createQuery("update Room r set r.lastSeq = r.lastSeq + :n where r.id = :id")
                        .setParameter("n", (long) fresh.size()).setParameter("id", roomId).executeUpdate();
                if (bumped == 0) {
                    throw new ProtocolException(ErrorCode.NOT_FOUND, "no such room: " + room);
                }
                long last = em.createQuery("select r.lastSeq from Room r where r.id = :id", Long.class)
                        .setParameter("id", roomId).getSingleResult();
                seq = last - fresh.size();
            }
            Map<String, Message> storedNow = new HashMap<>();
            for (Pending p : items) {
                Draft d = p.draft();
                Message earlier = d.clientId() == null ? null : seen.get(key(d));
                if (earlier != null) {
                    outcomes.add(new Outcome(p, new Stored(Messages.view(earlier, room), true), false));
                    continue;
                }
                Message sameBatch = d.clientId() == null ? null : storedNow.get(key(d));
                if (sameBatch != null) {
                    outcomes.add(new Outcome(p, new Stored(Messages.view(sameBatch, room), true), false));
                    continue;
                }
                Message m = new Message();
                m.roomId = roomId;
                m.seq = ++seq;
                m.clientId = d.clientId();
                m.sender = d.sender();
                m.kind = d.kind();
                m.text = d.text();
                m.createdAt = now;
                if (d.reply() != null) {
                    Draft.Reply r = d.reply();
                    m.model = r.model();
                    m.turnId = r.turnId();
                    m.cached = r.cached();
                    m.cancelled = r.cancelled() ? Boolean.TRUE : null;
                    m.inputTokens = r.inputTokens();
                    m.outputTokens = r.outputTokens();
                    m.meta = r.meta();
                }
                em.persist(m); // the id comes from the pooled sequence at persist time
                if (d.clientId() != null) {
                    storedNow.put(key(d), m);
                }
                outcomes.add(new Outcome(p, new Stored(Messages.view(m, room), false), true));
            }
        }
        em.flush();
        return outcomes;
    }

    private static String key(Draft d) {
        return d.sender() + '\u0000' + d.clientId();
    }
}
