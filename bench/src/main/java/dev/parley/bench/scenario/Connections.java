package dev.parley.bench.scenario;

import dev.parley.bench.client.Events;
import dev.parley.bench.client.Session;
import dev.parley.bench.client.Target;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/** Opens many connections, each joining a room, with a bounded number in flight. Runs on the event loop. */
final class Connections {
    /** The open sessions, how long the whole opening took, and each connection's open-and-join time in µs. */
    record Opened(List<Session> sessions, long nanos, Histogram micros) {
    }

    private Connections() {
    }

    static Future<Opened> open(Target target, int count, int inFlight, IntFunction<String> roomOf,
                               IntFunction<Events> eventsOf) {
        Promise<Opened> done = Promise.promise();
        List<Session> sessions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sessions.add(null);
        }
        Histogram micros = new Histogram(3);
        long start = System.nanoTime();
        int[] next = {0};
        int[] finished = {0};
        Runnable[] worker = new Runnable[1];
        worker[0] = () -> {
            if (done.future().isComplete() || next[0] >= count) {
                return;
            }
            int i = next[0]++;
            long t0 = System.nanoTime();
            target.open(i, eventsOf.apply(i))
                    .compose(s -> s.join(roomOf.apply(i)).map(v -> s))
                    .onSuccess(s -> {
                        micros.recordValue((System.nanoTime() - t0) / 1000);
                        sessions.set(i, s);
                        if (++finished[0] == count) {
                            done.tryComplete(new Opened(sessions, System.nanoTime() - start, micros));
                        } else {
                            worker[0].run();
                        }
                    })
                    .onFailure(e -> {
                        closeAll(sessions);
                        done.tryFail(new IllegalStateException("connection " + i + " of " + target.name()
                                + " failed after " + finished[0] + " opened: " + e.getMessage(), e));
                    });
        };
        if (count == 0) {
            done.complete(new Opened(sessions, 0, micros));
        }
        for (int w = 0; w < Math.min(inFlight, count); w++) {
            worker[0].run();
        }
        return done.future();
    }

    static Future<Void> closeAll(List<Session> sessions) {
        List<Future<Void>> closing = new ArrayList<>();
        for (Session s : sessions) {
            if (s != null) {
                closing.add(s.close().recover(e -> Future.succeededFuture()));
            }
        }
        return Future.join(closing).mapEmpty();
    }
}
