package dev.parley.bench.scenario;

import dev.parley.bench.client.Events;
import dev.parley.bench.client.Session;
import dev.parley.bench.client.Target;
import dev.parley.bench.server.Proc;
import dev.parley.bench.server.Measured;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Delivery latency at an offered rate: one room of {@code members} connections, the first {@code senders} of them
 * sending, open loop. Message k of a step is due at {@code t0 + k / rate}; its latency at each member is measured
 * from that intended time, not from when the generator got round to sending it, so a stalled server (or generator)
 * shows up as latency instead of silently lowering the rate (no coordinated omission).
 */
public final class Fanout {
    /** One step's outcome; latencies in ms, CPU as % of one core. */
    public record Step(double offeredDeliveries, long messages, long expected, long delivered, long lost,
                       double p50, double p90, double p99, double max, double serverCpuPct, double cpuMsPer1000,
                       double generatorCpuPct, long errors) {
        public boolean passes(double p99LimitMs) {
            return lost == 0 && errors == 0 && p99 <= p99LimitMs;
        }
    }

    private final Loop loop;
    private final Target target;
    private final String room;
    private final int members;
    private final int senders;
    private final Errors errors = new Errors();
    private List<Session> sessions = List.of();
    private Run current;

    public Fanout(Loop loop, Target target, String room, int members, int senders) {
        this.loop = loop;
        this.target = target;
        this.room = room;
        this.members = members;
        this.senders = senders;
    }

    public void open() {
        Events events = new Events() {
            @Override
            public void message(String r, String clientId) {
                if (current != null) {
                    current.delivered(clientId);
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
        sessions = loop.call(() -> Connections.open(target, members, 16, i -> room, i -> events), Duration.ofMinutes(5))
                .sessions();
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
                errors.count() - errorsBefore);
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
        final long self = ProcessHandle.current().pid();
        final Promise<Void> done = Promise.promise();
        long t0;
        long sent;
        long delivered;
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

        void delivered(String clientId) {
            if (clientId == null || !clientId.startsWith(prefix)) {
                return; // an earlier step's straggler
            }
            long k = Long.parseLong(clientId, prefix.length(), clientId.length(), 10);
            if (k >= warmMessages) {
                long intended = t0 + (long) (k * periodNanos);
                latency.recordValue(Math.max(0, (System.nanoTime() - intended) / 1000));
                delivered++;
            }
        }
    }
}
