package dev.parley.bench.scenario;

import dev.parley.bench.client.Events;
import dev.parley.bench.client.Session;
import dev.parley.bench.client.Target;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One message on an idle server: a single connection alone in a room sends one message, waits for its ack, pauses,
 * and again; then the same with application pings (ping → pong on the same socket), the floor of a round trip.
 */
public final class Oneshot {
    /** send → ack and ping → pong in ms; the ping figures are NaN where the protocol has no client ping. */
    public record Result(double ackP50, double ackP99, double pingP50, double pingP99, long errors) {
    }

    private Oneshot() {
    }

    public static Result run(Loop loop, Target target, String room, int samples, long gapMillis) {
        Errors errors = new Errors();
        Promise<Void>[] waiting = newWaiting();
        Events events = new Events() {
            @Override
            public void message(String r, String clientId) {
            }

            @Override
            public void ack(String r, String clientId) {
                if (waiting[0] != null) {
                    waiting[0].tryComplete();
                }
            }

            @Override
            public void error(String what) {
                errors.add(what);
                if (waiting[0] != null) {
                    waiting[0].tryFail(what);
                }
            }
        };
        List<Session> one = loop.call(() -> Connections.open(target, 1, 1, i -> room, i -> events),
                Duration.ofSeconds(60)).sessions();
        Session session = one.getFirst();
        Duration bound = Duration.ofMillis((gapMillis + 5_000) * samples);
        Histogram ack = new Histogram(3);
        loop.call(() -> repeat(loop, samples, gapMillis, ack, i -> {
            waiting[0] = Promise.promise();
            session.send(room, "o" + i, "one message on an idle server " + i);
            return waiting[0].future();
        }), bound);
        Histogram ping = new Histogram(3);
        if (target.supportsPing()) {
            loop.call(() -> repeat(loop, samples, gapMillis, ping, i -> session.ping()), bound);
        }
        loop.call(() -> Connections.closeAll(one), Duration.ofSeconds(30));
        return new Result(ack.getValueAtPercentile(50) / 1000.0, ack.getValueAtPercentile(99) / 1000.0,
                target.supportsPing() ? ping.getValueAtPercentile(50) / 1000.0 : Double.NaN,
                target.supportsPing() ? ping.getValueAtPercentile(99) / 1000.0 : Double.NaN, errors.count());
    }

    @SuppressWarnings("unchecked")
    private static Promise<Void>[] newWaiting() {
        return new Promise[1];
    }

    /** Runs {@code round} {@code samples} times one after the other, recording each round trip in µs. */
    private static Future<Void> repeat(Loop loop, int samples, long gapMillis, Histogram into,
                                       java.util.function.IntFunction<Future<Void>> round) {
        return Loop.inTurn(0, samples, i -> {
            long t0 = System.nanoTime();
            return round.apply(i).compose(v -> {
                into.recordValue((System.nanoTime() - t0) / 1000);
                return loop.delay(gapMillis);
            });
        });
    }
}
