package dev.parley.bench.scenario;

import dev.parley.bench.client.Events;
import dev.parley.bench.client.Session;
import dev.parley.bench.client.Target;
import dev.parley.bench.server.Measured;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Acked throughput, closed loop: {@code rooms} rooms with {@code sendersPerRoom} senders each, every sender keeping at
 * most {@code window} messages unacknowledged and sending the next as each ack arrives. For Parley the ack follows the
 * commit, so this is the durable rate; for the peers (no persistence) it is their ack rate.
 */
public final class Durable {
    /** Acked messages per second in the measured window and the send → ack latency (ms) of those acks. */
    public record Result(double ackedPerSecond, double p50, double p99, double max, double serverCpuPct, long errors,
                         long unackedAtEnd) {
    }

    private Durable() {
    }

    public static Result run(Loop loop, Target target, String roomPrefix, int rooms, int sendersPerRoom, int window,
                             Duration warm, Duration measure, Duration drainMax, Measured server) {
        Errors errors = new Errors();
        int count = rooms * sendersPerRoom;
        List<Sender> senders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            senders.add(new Sender(roomPrefix + "-" + (i % rooms), i, errors));
        }
        List<Session> sessions = loop.call(() -> Connections.open(target, count, 16, i -> senders.get(i).room,
                i -> senders.get(i)), Duration.ofMinutes(5)).sessions();
        Window w = new Window(window, server);
        Duration bound = warm.plus(measure).plus(drainMax).plus(Duration.ofSeconds(30));
        loop.call(() -> w.run(loop, senders, sessions, warm, measure, drainMax), bound);
        loop.call(() -> Connections.closeAll(sessions), Duration.ofSeconds(60));
        double seconds = (w.windowEnd - w.windowStart) / 1e9;
        Histogram h = w.latency;
        long unacked = senders.stream().mapToLong(s -> s.sentAt.size()).sum();
        return new Result(w.ackedInWindow / seconds, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                100 * (w.cpuEnd - w.cpuStart) / 1e9 / seconds, errors.count(), unacked);
    }

    /** The phases of the run, shared by all senders; event loop only. */
    private static final class Window {
        final int window;
        final Measured server;
        final Histogram latency = new Histogram(3);
        final Promise<Void> done = Promise.promise();
        long windowStart;
        long windowEnd;
        long cpuStart;
        long cpuEnd;
        long ackedInWindow;
        boolean sending = true;

        Window(int window, Measured server) {
            this.window = window;
            this.server = server;
        }

        Future<Void> run(Loop loop, List<Sender> senders, List<Session> sessions, Duration warm, Duration measure,
                         Duration drainMax) {
            for (int i = 0; i < senders.size(); i++) {
                senders.get(i).start(this, sessions.get(i));
            }
            loop.vertx().setTimer(Math.max(1, warm.toMillis()), t1 -> {
                windowStart = System.nanoTime();
                cpuStart = server.cpuNanos();
                loop.vertx().setTimer(Math.max(1, measure.toMillis()), t2 -> {
                    windowEnd = System.nanoTime();
                    cpuEnd = server.cpuNanos();
                    sending = false;
                    drain(loop, senders, System.nanoTime() + drainMax.toNanos());
                });
            });
            return done.future();
        }

        private void drain(Loop loop, List<Sender> senders, long deadline) {
            if (senders.stream().allMatch(s -> s.sentAt.isEmpty()) || System.nanoTime() > deadline) {
                done.tryComplete();
            } else {
                loop.vertx().setTimer(5, id -> drain(loop, senders, deadline));
            }
        }
    }

    private static final class Sender implements Events {
        final String room;
        final String prefix;
        final Errors errors;
        final Map<String, Long> sentAt = new HashMap<>();
        Window w;
        Session session;
        long next;

        Sender(String room, int index, Errors errors) {
            this.room = room;
            this.prefix = "d" + index + ".";
            this.errors = errors;
        }

        void start(Window w, Session session) {
            this.w = w;
            this.session = session;
            for (int i = 0; i < w.window; i++) {
                sendNext();
            }
        }

        void sendNext() {
            String id = prefix + next++;
            sentAt.put(id, System.nanoTime());
            session.send(room, id, "durable benchmark message " + id);
        }

        @Override
        public void message(String r, String clientId) {
        }

        @Override
        public void ack(String r, String clientId) {
            Long at = sentAt.remove(clientId);
            if (at == null) {
                return;
            }
            long now = System.nanoTime();
            if (w.windowStart != 0 && w.windowEnd == 0) {
                w.latency.recordValue((now - at) / 1000);
                w.ackedInWindow++;
            }
            if (w.sending) {
                sendNext();
            }
        }

        @Override
        public void error(String what) {
            errors.add(what);
        }
    }
}
