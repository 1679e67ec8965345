package dev.parley.assistant.provider;

/** Lets a turn stop its request in flight: the open HTTP stream registers how to abort itself. */
public final class Cancellation {
    private volatile boolean cancelled;
    private Runnable abort;

    public boolean cancelled() {
        return cancelled;
    }

    public void cancel() {
        Runnable a;
        synchronized (this) {
            cancelled = true;
            a = abort;
        }
        if (a != null) {
            a.run();
        }
    }

    /** Registers the abort of the current request; runs it at once when already cancelled. */
    public void onCancel(Runnable action) {
        boolean now;
        synchronized (this) {
            abort = action;
            now = cancelled;
        }
        if (now && action != null) {
            action.run();
        }
    }

    public void check() {
        if (cancelled) {
            throw new ProviderException(ProviderException.Kind.CANCELLED, "cancelled");
        }
    }
}
