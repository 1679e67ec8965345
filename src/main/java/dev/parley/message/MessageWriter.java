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
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Timestamps;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
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
    /** A bus message carries the frames of one commit in one room up to about this many chars (more go in the next). */
    private static final int BUS_BODY_CHARS = 64 * 1024;
    private static final long BATCH_FAILURE_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ParleyConfig config;
    private final MessageFanout fanout;
    private final HistoryService history;
    private final ClusterBus bus;
    private final DiskFailure disk;
    private final long gapWaitNanos;
    private final ObjectWriter frames;
    private final ObjectReader frameReader;
    private final DataSource dataSource;
    private final Counter stored;
    private final Timer commitTimer;
    private final Counter refetched;
    private final Counter batchFailures;
    private Shard[] shards;
    private final AtomicLong inFlight = new AtomicLong();
    private volatile boolean accepting = true;

    MessageWriter(ParleyConfig config, MessageFanout fanout, DataSource dataSource, HistoryService history, ClusterBus bus,
            ClusterConfig cluster, ObjectMapper json, MeterRegistry registry, DiskFailure disk) {
        this.disk = disk;
        this.config = config;
        this.fanout = fanout;
        this.dataSource = dataSource;
        this.history = history;
        this.bus = bus;
        this.gapWaitNanos = cluster.gapWait().toNanos();
        this.frames = json.writerFor(ServerEvent.class);
        this.frameReader = json.readerFor(ServerEvent.class);
        this.refetched = Counter.builder("parley.cluster.refetched")
                .description("Messages of other nodes read from the database because the bus lost them").register(registry);
        this.stored = Counter.builder("parley.messages.stored").description("Messages committed").register(registry);
        this.batchFailures = Counter.builder("parley.messages.batch.failures")
                .description("Group commits that failed and were stored again message by message").register(registry);
        this.commitTimer = Timer.builder("parley.messages.commit").description("Group-commit transaction time")
                .publishPercentileHistogram().register(registry);
    }

    void start(@Observes StartupEvent event) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            new MessageTable(config.writer().fsync()).checkFsync(connection);
        }
        int n = Math.max(1, config.writer().shards());
        shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard(i, config.writer().queueCapacity());
            Thread.ofPlatform().daemon().name("parley-writer-" + i).start(shards[i]);
            Thread.ofPlatform().daemon().name("parley-deliver-" + i).start(shards[i]::deliver);
        }
        if (bus.enabled()) {
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

    /** Messages another node committed in one room ({@link BusBatch}). On the bus's event loop. */
    private void fromPeer(String node, String body) {
        long roomId = BusBatch.room(body);
        Shard shard = shardOf(roomId);
        long now = System.nanoTime();
        BusBatch.frames(body, frame -> {
            MessageView m;
            try {
                m = (MessageView) frameReader.readValue(frame);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            fanout.storedElsewhere(m);
            shard.deliveries.add(new Remote(roomId, m, now));
        });
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

    /**
     * Told that a message is committed, before the commit is forced to disk: work that only reads (the assistant's
     * prompt and rate limit) can start while the disk confirms. Runs on the writer's thread, so it must return at once;
     * {@code durable} is {@link #submit}'s future: it completes once the message is on disk and handed to the room's
     * members, or fails when it never will be (the disk refused to confirm it: nothing of it reaches anyone, and the
     * node stops). Nothing may reach the room on the message's behalf before {@code durable} completes.
     */
    @FunctionalInterface
    public interface Written {
        void written(MessageView message, CompletionStage<Stored> durable);
    }

    /** Queues a message; the future completes after its commit. Refuses with {@code busy} when the writer is full. */
    public CompletableFuture<Stored> submit(Draft draft) {
        return submit(draft, null);
    }

    /** As {@link #submit(Draft)}, telling {@code written} (may be null) when the commit is made, before it is forced. */
    public CompletableFuture<Stored> submit(Draft draft, Written written) {
        if (disk.failed()) {
            throw diskFailedError();
        }
        if (!accepting) {
            throw new ProtocolException(ErrorCode.BUSY, "the server is shutting down; send it again after reconnecting", 1000L);
        }
        Pending pending = new Pending(draft, new CompletableFuture<>(), System.nanoTime(), written);
        Shard shard = shardOf(draft.roomId());
        inFlight.incrementAndGet();
        if (!shard.offer(pending)) {
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

    private record Pending(Draft draft, CompletableFuture<Stored> result, long receivedNanos, Written written) {
    }

    /** Tells each new message's {@link Written} that its commit is made (the writer's thread, before the force). */
    private static void announce(List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            Written w = o.pending().written();
            if (w != null && o.fresh()) {
                try {
                    w.written(o.stored().message(), o.pending().result());
                } catch (RuntimeException e) {
                    // a listener answers its own failures (ChatService tells the sender); this only keeps the writer going
                    LOG.errorf(e, "a listener of message %d of %s failed", o.stored().message().seq(), o.stored().message().room());
                }
            }
        }
    }

    /** A message's fate in a commit; {@code notOnDisk} when the commit was made but could not be forced to disk. */
    private record Outcome(Pending pending, Stored stored, boolean fresh, ProtocolException notOnDisk) {
        Outcome(Pending pending, Stored stored, boolean fresh) {
            this(pending, stored, fresh, null);
        }
    }

    /**
     * A commit went through but forcing it to disk failed ({@link MessageTable#forceToDisk}): the node stops
     * ({@link DiskFailure}). The commit's messages are not delivered (after the restart they may be gone, and their
     * seqs taken again), their senders get {@code internal}, and every later send is refused.
     */
    private static final class NotOnDisk extends RuntimeException {
        private final transient List<Outcome> outcomes;

        NotOnDisk(List<Outcome> outcomes, SQLException cause) {
            super(cause);
            this.outcomes = outcomes;
        }

        List<Outcome> unconfirmed() {
            ProtocolException told = new ProtocolException(ErrorCode.INTERNAL, "the server's disk did not confirm the"
                    + " message; it may be lost, and the server restarts: send it again after reconnecting");
            return outcomes.stream().map(o -> new Outcome(o.pending(), o.stored(), o.fresh(), told)).toList();
        }
    }

    private static ProtocolException diskFailedError() {
        return new ProtocolException(ErrorCode.INTERNAL, "the server's disk failed and the server restarts: send it again after"
                + " reconnecting");
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

    /** Wakes a delivery thread that waits for work, so that it sees the shard stop. */
    private record Wake() implements Delivery {
    }

    private final class Shard implements Runnable {
        /*
         * The handoff from submit() (any thread) to the writer thread, without a lock: a sender first takes one of
         * `capacity` slots in `queued`, then adds to `queue`; the writer polls, then gives the slots back. When the
         * queue is empty the writer sets `idle` and looks again before it parks; a sender reads `idle` after adding.
         * Both are volatile, so at least one of the two sees the other: the writer finds the message, or the sender
         * unparks it (an unpark before the park makes the park return at once). `writer` is set by the writer thread
         * before it first sets `idle`, so a sender that reads `idle == true` also sees it. stop() clears `running`
         * and then reads `idle` the same way, so an idle writer parks without a timeout and still sees the stop.
         */
        final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
        final AtomicInteger queued = new AtomicInteger();
        final int capacity;
        private Thread writer;
        volatile boolean idle;
        final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
        final int index;
        volatile boolean running = true;
        /** The statements and id block of this shard's writer thread. */
        private final MessageTable table = new MessageTable(config.writer().fsync());
        /** When the writer last logged a failed batch (its thread only). */
        private long lastBatchFailureLog;

        Shard(int index, int capacity) {
            this.index = index;
            this.capacity = Math.max(1, capacity);
        }

        /** Queues a message for the writer; false when {@code capacity} messages are already waiting. */
        boolean offer(Pending pending) {
            int n;
            do {
                n = queued.get();
                if (n >= capacity) {
                    return false;
                }
            } while (!queued.compareAndSet(n, n + 1));
            queue.add(pending);
            if (idle) {
                LockSupport.unpark(writer);
            }
            return true;
        }

        /** Lets both threads finish what they hold and end; wakes them if they wait for work. */
        void stop() {
            running = false;
            if (idle) {
                LockSupport.unpark(writer);
            }
            deliveries.add(new Wake());
        }

        @Override
        public void run() {
            writer = Thread.currentThread();
            int max = Math.max(1, config.writer().maxBatch());
            List<Pending> batch = new ArrayList<>(max);
            while (running || !queue.isEmpty()) {
                try {
                    Pending next = queue.poll();
                    if (next == null) {
                        idle = true;
                        if (running && queue.isEmpty()) {
                            LockSupport.park(this);
                        }
                        idle = false;
                        continue;
                    }
                    do {
                        batch.add(next);
                    } while (batch.size() < max && (next = queue.poll()) != null);
                    queued.addAndGet(-batch.size());
                    if (disk.failed()) {
                        for (Pending p : batch) {
                            settle(p, null, diskFailedError());
                        }
                    } else {
                        write(batch);
                    }
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
                outcomes = transact(batch);
            } catch (NotOnDisk e) {
                disk.stop("writer " + index + ": a commit", e.getCause());
                outcomes = e.unconfirmed();
            } catch (SQLException | RuntimeException batchFailure) {
                // One bad item (a room deleted meanwhile, a clash with another node) must not sink the others:
                // store them one by one.
                batchFailures.increment();
                long now = System.nanoTime();
                if (lastBatchFailureLog == 0 || now - lastBatchFailureLog > BATCH_FAILURE_LOG_NANOS) {
                    lastBatchFailureLog = now;
                    LOG.warnf(batchFailure, "writer %d: a batch of %d failed; storing its messages one by one (said at most"
                            + " once a minute, parley_messages_batch_failures_total counts them)", index, batch.size());
                } else {
                    LOG.debugf(batchFailure, "a batch of %d failed; storing its messages one by one", batch.size());
                }
                outcomes = new ArrayList<>(batch.size());
                for (Pending p : batch) {
                    if (disk.failed()) {
                        settle(p, null, diskFailedError());
                        continue;
                    }
                    try {
                        outcomes.addAll(transact(List.of(p)));
                    } catch (NotOnDisk e) {
                        disk.stop("writer " + index + ": a commit", e.getCause());
                        outcomes.addAll(e.unconfirmed());
                    } catch (SQLException | RuntimeException e) {
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
         * Stores {@code items} in one JDBC transaction of its own and commits it; rolls back and throws when any of
         * them fails. A local transaction rather than JTA: the batch touches one database and nothing else, and the
         * commit is the one line below, not a transaction manager's synchronizations.
         */
        private List<Outcome> transact(List<Pending> items) throws SQLException {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    List<Outcome> outcomes;
                    try (MessageTable.Tx tx = table.begin(connection)) {
                        outcomes = commit(tx, items);
                    }
                    connection.commit();
                    announce(outcomes);
                    try {
                        table.forceToDisk(connection, disk);
                    } catch (SQLException notForced) {
                        throw new NotOnDisk(outcomes, notForced);
                    }
                    return outcomes;
                } catch (SQLException | RuntimeException e) {
                    try {
                        connection.rollback();
                    } catch (SQLException rollbackFailure) {
                        e.addSuppressed(rollbackFailure);
                    }
                    throw e;
                }
            }
        }

        /**
         * Runs on the shard's delivery thread, which owns the delivery of the shard's rooms: hands committed messages
         * to the fan-out in seq order, then completes their sends (the ack), while the writer already commits the
         * next batch. With several nodes it also publishes them to the others and puts theirs in order with ours
         * ({@link RoomSequencer}).
         */
        private void deliver() {
            RoomSequencer sequencer = bus.enabled() ? new RoomSequencer(fanout, history::after, gapWaitNanos, refetched) : null;
            long nextSweep = System.nanoTime();
            while (running || !deliveries.isEmpty()) {
                try {
                    long wait = sequencer == null ? -1 : sequencer.nextWaitNanos(System.nanoTime());
                    // one node: nothing to do until work comes; several: the sequencer's gaps and sweep need a wake-up
                    Delivery work = sequencer == null ? deliveries.take()
                            : deliveries.poll(wait < 0 ? 200_000_000L : wait, TimeUnit.NANOSECONDS);
                    if (work != null) {
                        switch (work) {
                            case Committed c -> delivered(c.outcomes(), sequencer);
                            case Remote r -> sequencer.offer(r.roomId(), r.message(), r.receivedNanos());
                            case Known k -> sequencer.known(k.roomId(), k.room(), k.lastSeq());
                            case CatchUp c -> sequencer.catchUp();
                            case Wake w -> { }
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
            if (sequencer != null) {
                publish(outcomes);
            }
            for (Outcome o : outcomes) {
                if (o.fresh() && o.notOnDisk() == null) {
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
                        sequencer.offer(o.pending().draft().roomId(), m, o.pending().receivedNanos());
                    }
                }
                settle(o.pending(), o.notOnDisk() == null ? o.stored() : null, o.notOnDisk());
            }
        }
    }

    /** Tells the other nodes what one commit stored: one bus message per room ({@link BusBatch}). */
    private void publish(List<Outcome> outcomes) {
        Map<Long, List<String>> byRoom = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            if (o.fresh() && o.notOnDisk() == null) {
                MessageView m = o.stored().message();
                try {
                    byRoom.computeIfAbsent(o.pending().draft().roomId(), r -> new ArrayList<>()).add(frames.writeValueAsString(m));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    // not published: the other nodes see the gap and read it from the database; here it goes on
                    LOG.errorf(e, "cannot encode message %d of %s for the bus", m.seq(), m.room());
                }
            }
        }
        byRoom.forEach((roomId, roomFrames) -> BusBatch.bodies(roomId, roomFrames, BUS_BODY_CHARS)
                .forEach(body -> bus.publish(Topic.MESSAGE, body)));
    }

    /**
     * Stores a batch in {@code tx}'s transaction; returns the outcomes in seq order per room. Per room: one look-up of
     * the clientIds already stored, one update that claims the seqs (and locks the room row), then one batched insert
     * for the whole batch. Rooms are taken in id order, so writers of several nodes lock room rows in the same order.
     */
    private static List<Outcome> commit(MessageTable.Tx tx, List<Pending> batch) throws SQLException {
        Instant now = Timestamps.now();
        Map<Long, List<Pending>> byRoom = new TreeMap<>();
        for (Pending p : batch) {
            byRoom.computeIfAbsent(p.draft().roomId(), k -> new ArrayList<>()).add(p);
        }
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        for (Map.Entry<Long, List<Pending>> entry : byRoom.entrySet()) {
            long roomId = entry.getKey();
            List<Pending> items = entry.getValue();
            String room = items.get(0).draft().room();

            // idempotency: earlier stores of the same (sender, clientId), and repeats inside this batch
            List<Draft> keyed = items.stream().map(Pending::draft).filter(d -> d.clientId() != null).toList();
            Map<String, MessageView> known = keyed.isEmpty() ? new HashMap<>() : tx.stored(roomId, room, keyed);
            Set<String> firstOfKey = new HashSet<>();
            int fresh = 0;
            for (Pending p : items) {
                Draft d = p.draft();
                if (d.clientId() == null || !known.containsKey(key(d)) && firstOfKey.add(key(d))) {
                    fresh++;
                }
            }
            long seq = 0;
            if (fresh > 0) {
                long last = tx.claimSeqs(roomId, fresh);
                if (last < 0) {
                    throw new ProtocolException(ErrorCode.NOT_FOUND, "no such room: " + room);
                }
                seq = last - fresh;
            }
            for (Pending p : items) {
                Draft d = p.draft();
                MessageView earlier = d.clientId() == null ? null : known.get(key(d));
                if (earlier != null) {
                    // stored before, or earlier in this batch
                    outcomes.add(new Outcome(p, new Stored(earlier, true), false));
                    continue;
                }
                long id = tx.nextId();
                tx.queueInsert(id, roomId, ++seq, d, now);
                MessageView view = Messages.view(d, room, id, seq, now);
                if (d.clientId() != null) {
                    known.put(key(d), view);
                }
                outcomes.add(new Outcome(p, new Stored(view, false), true));
            }
        }
        tx.insertQueued();
        return outcomes;
    }

    private static String key(Draft d) {
        return MessageTable.key(d.sender(), d.clientId());
    }
}
