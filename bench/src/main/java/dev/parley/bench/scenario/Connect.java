package dev.parley.bench.scenario;

import dev.parley.bench.client.Events;
import dev.parley.bench.client.Target;
import java.time.Duration;

/**
 * Time to open {@code count} authenticated connections, each joining a room (rooms of 100), {@code inFlight} at a
 * time. Credentials are obtained before the clock starts (for Parley: registered JWTs), so this is handshake +
 * credential check + join.
 */
public final class Connect {
    /** Whole time in seconds and each connection's open-and-join time in ms. */
    public record Result(int connections, double seconds, double p50, double p99, long errors) {
    }

    private Connect() {
    }

    public static Result run(Loop loop, Target target, String roomPrefix, int count, int inFlight) {
        Errors errors = new Errors();
        var opened = loop.call(() -> Connections.open(target, count, inFlight, i -> roomPrefix + "-" + (i / 100),
                i -> Events.countingErrors(errors::add)), Duration.ofMinutes(10));
        loop.call(() -> Connections.closeAll(opened.sessions()), Duration.ofMinutes(2));
        long errorCount = loop.call(() -> io.vertx.core.Future.succeededFuture(errors.count()), Duration.ofSeconds(10));
        return new Result(count, opened.nanos() / 1e9, opened.micros().getValueAtPercentile(50) / 1000.0,
                opened.micros().getValueAtPercentile(99) / 1000.0, errorCount);
    }
}
