package dev.parley.concurrent;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The owner of some mutable state: runs the tasks given to it one at a time, in submission order, on an
 * executor (a virtual thread per drain, typically). State touched only from a mailbox's tasks needs no lock.
 * A task that throws is handed to {@code onFailure} and the next task runs; nothing is dropped silently.
 */
public final class Mailbox {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Executor executor;
    private final Consumer<Throwable> onFailure;

    public Mailbox(Executor executor, Consumer<Throwable> onFailure) {
        this.executor = executor;
        this.onFailure = onFailure;
    }

    /** Queues a task after every task submitted before it; returns how many tasks wait, this one included. */
    public int submit(Runnable task) {
        queue.add(task);
        int waiting = size.incrementAndGet();
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
        return waiting;
    }

    /** Tasks queued and not yet started. */
    public int size() {
        return size.get();
    }

    /** True when nothing is queued and no task is running. */
    public boolean idle() {
        return !draining.get() && queue.isEmpty();
    }

    private void drain() {
        do {
            Runnable task;
            while ((task = queue.poll()) != null) {
                size.decrementAndGet();
                try {
                    task.run();
                } catch (Throwable t) {
                    onFailure.accept(t);
                }
            }
            draining.set(false);
        } while (!queue.isEmpty() && draining.compareAndSet(false, true));
    }
}
