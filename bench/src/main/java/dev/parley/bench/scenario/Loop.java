package dev.parley.bench.scenario;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The generator's single event loop. Every connection, counter and histogram of a scenario lives on it, so nothing is
 * shared between threads; the scenario thread hands it work with {@link #call} and waits, always with a bound.
 */
public final class Loop implements AutoCloseable {
    private final Vertx vertx;
    private final Context context;

    public Loop() {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setBlockedThreadCheckInterval(10_000));
        this.context = vertx.getOrCreateContext();
    }

    public Vertx vertx() {
        return vertx;
    }

    /** Runs {@code work} on the event loop and waits for its future, at most {@code timeout}. */
    public <T> T call(Supplier<Future<T>> work, Duration timeout) {
        Promise<T> done = Promise.promise();
        context.runOnContext(v -> {
            try {
                work.get().onComplete(done);
            } catch (RuntimeException e) {
                done.fail(e);
            }
        });
        try {
            return done.future().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A future completed after {@code millis} on the event loop. */
    public Future<Void> delay(long millis) {
        Promise<Void> p = Promise.promise();
        vertx.setTimer(Math.max(1, millis), id -> p.complete());
        return p.future();
    }

    /**
     * Runs {@code step} for {@code from, from + 1, …, until - 1}, each after the previous one's future succeeded; fails
     * with the first failure. Call on the event loop.
     */
    public static Future<Void> inTurn(int from, int until, IntFunction<Future<Void>> step) {
        Promise<Void> done = Promise.promise();
        new Object() {
            void next(int i) {
                if (i >= until) {
                    done.complete();
                    return;
                }
                step.apply(i).onSuccess(v -> next(i + 1)).onFailure(done::tryFail);
            }
        }.next(from);
        return done.future();
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
