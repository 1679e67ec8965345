package dev.parley.bench.scenario;

import dev.parley.bench.client.Events;
import dev.parley.bench.client.Session;
import dev.parley.bench.client.Target;
import dev.parley.bench.server.Proc;
import dev.parley.bench.server.Measured;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.HdrHistogram.Histogram;

/**
 * Delivery latency at an offered rate: one room of {@code members} connections, the first {@code senders} of them
 * sending, open loop. Message k of a step is due at {@code t0 + k / rate}; its latency at each member is measured
 * from that intended time, not from when the generator got round to sending it, so a stalled server (or generator)
 * shows up as latency instead of silently lowering the rate (no coordinated omission).
 *
 * <p>With several nodes ({@code nodeOf} says which node member {@code i} is connected to; message k is sent by member
 * {@code k % senders}) the latency is also split between the members on the sender's node and those on another node.
 * Each member counts a message once: a second copy is counted as doubled, not delivered. Each step also keeps, per
 * measured message, when it was due and when it last arrived on the sender's node and on another node
 * ({@link Timeline}), so a disturbance at a known moment can be followed message by message.
 */
public final class Fanout {
    /** One step's outcome; latencies in ms, CPU as % of one core. */
    public record Step(double offeredDeliveries, long messages, long expected, long delivered, long lost,
                       double p50, double p90, double p99, double max, double serverCpuPct, double cpuMsPer1000,
                       double generatorCpuPct, long errors, long doubled, Side sameNode, Side otherNode, Timeline timeline) {
        public boolean passes(double p99LimitMs) {
            return lost == 0 && doubled == 0 && errors == 0 && p99 <= p99LimitMs;
        }
    }

    /** Latency at the members on the sender's node, or on another node (no deliveries: NaN). */
    public record Side(long deliveries, double p50, double p99, double max) {
    }

    /**
     * The measured messages in order (index i is message {@code warm + i} of the step): when each was due, and the
     * {@link System#nanoTime()} of its last arrival at a member on its sender's node and on another node (0: none there).
     */
    public record Timeline(long t0Nanos, double periodNanos, long warmMessages, long[] lastOnSendersNode,
                           long[] lastOnOtherNode) {
        public int messages() {
            return lastOnSendersNode.length;
        }

        /** When measured message {@code i} was due to be sent. */
        public long dueNanos(int i) {
            return t0Nanos + (long) ((warmMessages + i) * periodNanos);
        }
    }

    private final Loop loop;
    private final Target target;
    private final String room;
    private final int members;
    private final int senders;
    private final IntUnaryOperator nodeOf;
    private final Errors errors = new Errors();
    private List<Session> sessions = List.of();
    private Run current;

    public Fanout(Loop loop, Target target, String room, int members, int senders) {
        this(loop, target, room, members, senders, i -> 0);
    }

    /** @param nodeOf the node member {@code i} is connected to (any int; only equality matters) */
    public Fanout(Loop loop, Target target, String room, int members, int senders, IntUnaryOperator nodeOf) {
        this.loop = loop;
        this.target = target;
        this.room = room;
        this.members = members;
        this.senders = senders;
        this.nodeOf = nodeOf;
    }

    public void open() {
        sessions = loop.call(() -> Connections.open(target, members, 16, i -> room, this::eventsOf), Duration.ofMinutes(5))
                .sessions();
    }

    private Events eventsOf(int member) {
        return new Events() {
            @Override
            public void message(String r, String clientId) {
                if (current != null) {
                    current.delivered(member, clientId);
                }
            }

            @Override
            public void ack(String r, String clientId) {
            }

            @Override
            public void error(String what) {
                errors.add(what);
            }
        };
    }

    /** Offers {@code deliveriesPerSecond} (messages/s × members) for warm-up then the measured window. */
    public Step step(String tag, double deliveriesPerSecond, Duration warm, Duration measure, Duration drainMax,
                     Measured server) {
        double messagesPerSecond = deliveriesPerSecond / members;
        long warmMessages = (long) Math.ceil(messagesPerSecond * warm.toNanos() / 1e9);
        long total = warmMessages + (long) Math.ceil(messagesPerSecond * measure.toNanos() / 1e9);
        long errorsBefore = errors.count();
        Run run = new Run(tag + ".", 1e9 / messagesPerSecond, warmMessages, total, server);
        Duration bound = warm.plus(measure).plus(drainMax).plus(Duration.ofSeconds(30));
        loop.call(() -> {
            current = run;
            return run.start(drainMax);
        }, bound);
        loop.call(() -> {
            current = null;
            return Future.succeededFuture();
        }, Duration.ofSeconds(10));
        long measured = total - warmMessages;
        long expected = measured * members;
        double seconds = (run.endNanos - run.windowStartNanos) / 1e9;
        double serverCpuSeconds = (run.serverCpuEnd - run.serverCpuStart) / 1e9;
        double generatorCpuSeconds = (run.generatorCpuEnd - run.generatorCpuStart) / 1e9;
        Histogram h = run.latency;
        return new Step(deliveriesPerSecond, measured, expected, run.delivered, Math.max(0, expected - run.delivered),
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getMaxValue()), 100 * serverCpuSeconds / seconds,
                expected == 0 ? 0 : serverCpuSeconds * 1000 / expected * 1000, 100 * generatorCpuSeconds / seconds,
                errors.count() - errorsBefore, run.doubled, side(run.sameNode), side(run.otherNode),
                new Timeline(run.t0, run.periodNanos, warmMessages, run.lastOnSendersNode, run.lastOnOtherNode));
    }

    private static Side side(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new Side(0, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Side(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getMaxValue()));
    }

    public void close() {
        loop.call(() -> Connections.closeAll(sessions), Duration.ofSeconds(60));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** The state of one step; touched only on the event loop. */
    private final class Run {
        final String prefix;
        final double periodNanos;
        final long warmMessages;
        final long total;
        final Measured server;
        final Histogram latency = new Histogram(3);
        final Histogram sameNode = new Histogram(3);
        final Histogram otherNode = new Histogram(3);
        /** per member, the measured messages it has had (index k - warmMessages) */
        final BitSet[] seen = new BitSet[members];
        final long[] lastOnSendersNode;
        final long[] lastOnOtherNode;
        final long self = ProcessHandle.current().pid();
        final Promise<Void> done = Promise.promise();
        long t0;
        long sent;
        long delivered;
        long doubled;
        long windowStartNanos;
        long endNanos;
        long serverCpuStart;
        long serverCpuEnd;
        long generatorCpuStart;
        long generatorCpuEnd;

        Run(String prefix, double periodNanos, long warmMessages, long total, Measured server) {
            this.prefix = prefix;
            this.periodNanos = periodNanos;
            this.warmMessages = warmMessages;
            this.total = total;
            this.server = server;
            for (int i = 0; i < members; i++) {
                seen[i] = new BitSet();
            }
            lastOnSendersNode = new long[(int) (total - warmMessages)];
            lastOnOtherNode = new long[(int) (total - warmMessages)];
        }

        Future<Void> start(Duration drainMax) {
            t0 = System.nanoTime();
            if (warmMessages == 0) {
                windowStart();
            }
            loop.vertx().setPeriodic(1, timer -> {
                long now = System.nanoTime();
                long due = Math.min(total, (long) ((now - t0) / periodNanos) + 1);
                while (sent < due) {
                    if (sent == warmMessages) {
                        windowStart();
                    }
                    senderOf(sent).send(room, prefix + sent, "benchmark message " + sent);
                    sent++;
                }
                if (sent == total) {
                    loop.vertx().cancelTimer(timer);
                    endNanos = System.nanoTime();
                    serverCpuEnd = server.cpuNanos();
                    generatorCpuEnd = Proc.cpuNanos(self);
                    drain(System.nanoTime() + drainMax.toNanos());
                }
            });
            return done.future();
        }

        private void windowStart() {
            windowStartNanos = System.nanoTime();
            serverCpuStart = server.cpuNanos();
            generatorCpuStart = Proc.cpuNanos(self);
        }

        private void drain(long deadline) {
            long expected = (total - warmMessages) * members;
            if (delivered >= expected || System.nanoTime() > deadline) {
                done.tryComplete();
            } else {
                loop.vertx().setTimer(5, id -> drain(deadline));
            }
        }

        private Session senderOf(long k) {
            return sessions.get((int) (k % senders));
        }

        void delivered(int member, String clientId) {
            if (clientId == null || !clientId.startsWith(prefix)) {
                return; // an earlier step's straggler
            }
            long k = Long.parseLong(clientId, prefix.length(), clientId.length(), 10);
            if (k < warmMessages) {
                return;
            }
            int index = (int) (k - warmMessages);
            if (seen[member].get(index)) {
                doubled++;
                return;
            }
            seen[member].set(index);
            long now = System.nanoTime();
            long waited = Math.max(0, now - (t0 + (long) (k * periodNanos)));
            boolean sameNode = nodeOf.applyAsInt(member) == nodeOf.applyAsInt((int) (k % senders));
            latency.recordValue(waited / 1000);
            (sameNode ? this.sameNode : otherNode).recordValue(waited / 1000);
            (sameNode ? lastOnSendersNode : lastOnOtherNode)[index] = now;
            delivered++;
        }
    }
}
