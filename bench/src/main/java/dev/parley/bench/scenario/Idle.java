package dev.parley.bench.scenario;

import dev.parley.bench.client.Events;
import dev.parley.bench.client.Target;
import dev.parley.bench.server.Measured;
import java.time.Duration;

/**
 * Idle cost: open {@code count} connections (each joined to a room of up to 100), let them settle and the server go
 * quiet ({@link Quiet}), then read the server's CPU over a window long enough to include its heartbeats, and the
 * RSS it grew by per connection.
 */
public final class Idle {
    /** CPU as % of one core over the window; RSS growth per connection in KiB (from before the connections). */
    public record Result(int connections, double serverCpuPct, double rssKbPerConnection, long rssKbAfter, long errors,
                         Quiet.Wait quiet) {
    }

    private Idle() {
    }

    public static Result run(Loop loop, Target target, String roomPrefix, int count, Duration settle, Duration window,
                             Measured server) throws InterruptedException {
        Errors errors = new Errors();
        long rssBefore = server.rssKb();
        var opened = loop.call(() -> Connections.open(target, count, 32, i -> roomPrefix + "-" + (i / 100),
                i -> Events.countingErrors(errors::add)), Duration.ofMinutes(10));
        Thread.sleep(settle.toMillis()); // idle on purpose: the server should go quiet before the window
        Quiet.Wait quiet = Quiet.await(server, Duration.ofSeconds(60));
        long cpu0 = server.cpuNanos();
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis()); // the measured idle window
        long cpu1 = server.cpuNanos();
        long t1 = System.nanoTime();
        long rssAfter = server.rssKb();
        long errorCount = loop.call(() -> io.vertx.core.Future.succeededFuture(errors.count()), Duration.ofSeconds(10));
        loop.call(() -> Connections.closeAll(opened.sessions()), Duration.ofMinutes(2));
        return new Result(count, 100.0 * (cpu1 - cpu0) / (t1 - t0), (double) (rssAfter - rssBefore) / count, rssAfter,
                errorCount, quiet);
    }
}
