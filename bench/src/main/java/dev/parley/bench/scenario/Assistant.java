package dev.parley.bench.scenario;

import dev.parley.bench.client.Events;
import dev.parley.bench.client.Session;
import dev.parley.bench.client.Target;
import dev.parley.bench.server.Measured;
import dev.parley.bench.server.OllamaStandIn;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Parley's assistant timed as a user lives it (issue 8): one connection alone in a room asks {@code @assistant} a
 * new question and times its {@code send_message} frame to the first {@code assistant_delta} and to the stored reply
 * (a cache miss); then asks one question again and again, each answered from the cache, timed to the stored reply.
 * Just before each new question the model is asked directly the way Parley asks it (a streaming {@code POST
 * /api/chat} on a kept-alive connection), and the time to its first line is the model's own: Parley's added time is
 * the difference. Every question follows a {@code /clear} (so the context is the question alone); one question at a
 * time, on an otherwise idle server. A measured question also follows a pause; the warm-up rounds run back to back,
 * and there are many of them, because a turn's code runs a few times per round: at the 20 rounds a second of the
 * measured pace, the JIT was still compiling it after 200 rounds (docs/performance.md, "The assistant's warm-up").
 */
public final class Assistant {
    /** All in ms. The added time is the first delta's percentile minus the direct call's. */
    public record Result(double directP50, double directP99, double firstDeltaP50, double firstDeltaP99,
                         double missP50, double missP99, double hitP50, double hitP99, long errors) {
        public double addedP50() {
            return firstDeltaP50 - directP50;
        }

        public double addedP99() {
            return firstDeltaP99 - directP99;
        }
    }

    /** The longest a round (two questions, their clears and pauses) may take before the scenario fails. */
    private static final long ROUND_SECONDS = 10;
    private final Loop loop;
    private final String room;
    private final long gapMillis;
    private final HttpClient http;
    private final int modelPort;
    private final Errors errors = new Errors();
    private final Histogram direct = new Histogram(3);
    private final Histogram firstDelta = new Histogram(3);
    private final Histogram miss = new Histogram(3);
    private final Histogram hit = new Histogram(3);
    private Session session;
    private String awaitedAck;
    private Promise<Void> acked;
    private Promise<Long> delta;
    private Promise<JsonObject> stored;

    private Assistant(Loop loop, String room, long gapMillis, int modelPort) {
        this.loop = loop;
        this.room = room;
        this.gapMillis = gapMillis;
        this.modelPort = modelPort;
        this.http = loop.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true));
    }

    /**
     * {@code warmUp} unrecorded rounds, then, once the {@code server} is {@linkplain Quiet quiet}, {@code samples}
     * recorded ones; a round is a new question and then a repeated one. {@code modelPort}: the stand-in model Parley
     * was started against ({@code 127.0.0.1}).
     */
    public static Result run(Loop loop, Target target, Measured server, int modelPort, String room, int warmUp, int samples,
            long gapMillis) throws InterruptedException {
        Assistant a = new Assistant(loop, room, gapMillis, modelPort);
        List<Session> one = loop.call(() -> Connections.open(target, 1, 1, i -> room, i -> a.events()),
                Duration.ofSeconds(60)).sessions();
        a.session = one.getFirst();
        try {
            loop.call(() -> a.rounds(-warmUp, 0), Duration.ofSeconds(ROUND_SECONDS * warmUp + 10));
            // what the warm-up made hot is compiled before anything is measured, not during it
            System.out.printf("  after the assistant's warm-up: %s%n", Quiet.await(server, Duration.ofSeconds(60)));
            loop.call(() -> a.rounds(0, samples), Duration.ofSeconds(ROUND_SECONDS * samples + 10));
        } finally {
            loop.call(() -> Connections.closeAll(one), Duration.ofSeconds(30));
            loop.call(() -> a.http.close(), Duration.ofSeconds(10));
        }
        return new Result(ms(a.direct, 50), ms(a.direct, 99), ms(a.firstDelta, 50), ms(a.firstDelta, 99),
                ms(a.miss, 50), ms(a.miss, 99), ms(a.hit, 50), ms(a.hit, 99), a.errors.count());
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Rounds {@code from} (negative: warm-up) up to {@code until}, exclusive. */
    private Future<Void> rounds(int from, int until) {
        return Loop.inTurn(from, until, i -> newQuestion(i).compose(v -> repeatedQuestion(i))
                .timeout(ROUND_SECONDS, TimeUnit.SECONDS));
    }

    /** The model directly, then Parley with a question it has not seen: times to the first delta and the reply. */
    private Future<Void> newQuestion(int i) {
        return askModelDirectly(i).compose(nanos -> {
            if (i >= 0) {
                direct.recordValue(nanos / 1000);
            }
            return pause(i);
        }).compose(v -> clear("mc" + i)).compose(v -> {
            delta = Promise.promise();
            stored = Promise.promise();
            long t0 = System.nanoTime();
            session.send(room, "mq" + i, "@assistant question " + i + " of " + room);
            return delta.future().compose(first -> stored.future().map(reply -> {
                if (i >= 0) {
                    firstDelta.recordValue((first - t0) / 1000);
                    miss.recordValue((System.nanoTime() - t0) / 1000);
                }
                return null;
            }));
        });
    }

    /** The same question each time after the first: answered from the cache, timed to the stored reply. */
    private Future<Void> repeatedQuestion(int i) {
        return pause(i).compose(v -> clear("hc" + i)).compose(v -> {
            delta = null;
            stored = Promise.promise();
            long t0 = System.nanoTime();
            session.send(room, "hq" + i, "@assistant the same question of " + room);
            return stored.future().map(reply -> {
                long nanos = System.nanoTime() - t0;
                if (i >= 0) {
                    if (!reply.getBoolean("cached", false)) {
                        throw new IllegalStateException("a repeated question was not answered from the cache: " + reply.encode());
                    }
                    hit.recordValue(nanos / 1000);
                }
                return null;
            });
        });
    }

    /** The pause before a measured question (round {@code i} >= 0); none while warming up. */
    private Future<Void> pause(int i) {
        return i >= 0 ? loop.delay(gapMillis) : Future.succeededFuture();
    }

    private Future<Void> clear(String clientId) {
        awaitedAck = clientId;
        acked = Promise.promise();
        session.send(room, clientId, "/clear");
        return acked.future();
    }

    /** A streaming chat request as Parley sends one; completes with the nanoseconds to the first line. */
    private Future<Long> askModelDirectly(int i) {
        String body = new JsonObject().put("model", OllamaStandIn.MODEL).put("stream", true)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "question " + i)))
                .encode();
        long t0 = System.nanoTime();
        return http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(modelPort)
                        .setURI("/api/chat").putHeader("Content-Type", "application/json"))
                .compose(request -> request.send(Buffer.buffer(body)))
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return Future.failedFuture("the stand-in model answered HTTP " + response.statusCode());
                    }
                    Promise<Long> first = Promise.promise();
                    response.handler(chunk -> {
                        if (chunk.toString().indexOf('\n') >= 0) {
                            first.tryComplete(System.nanoTime() - t0);
                        }
                    });
                    return response.end().compose(v -> first.future());
                });
    }

    private Events events() {
        return new Events() {
            @Override
            public void message(String r, String clientId) {
            }

            @Override
            public void ack(String r, String clientId) {
                if (acked != null && clientId != null && clientId.equals(awaitedAck)) {
                    acked.tryComplete();
                }
            }

            @Override
            public void assistant(String type, JsonObject frame) {
                switch (type) {
                    case "assistant_delta" -> {
                        if (delta != null) {
                            delta.tryComplete(System.nanoTime());
                        }
                    }
                    case "message" -> {
                        if (stored != null) {
                            stored.tryComplete(frame);
                        }
                    }
                    case "assistant_error" -> error("assistant_error " + frame.encode());
                    default -> {
                        // assistant_start: not timed
                    }
                }
            }

            @Override
            public void error(String what) {
                errors.add(what);
                for (Promise<?> p : new Promise<?>[] {acked, delta, stored}) {
                    if (p != null) {
                        p.tryFail(what);
                    }
                }
            }
        };
    }
}
