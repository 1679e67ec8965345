package dev.parley.assistant;

import dev.parley.assistant.cache.ResponseCache;
import dev.parley.assistant.provider.Cancellation;
import dev.parley.auth.Caller;
import dev.parley.chat.ChatSession;
import dev.parley.chat.Outbox;
import dev.parley.chat.RoomHub;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One assistant turn that runs on this node: who asked what, in which room, and what has streamed so far. Its frames
 * go to this node's members through {@link TurnFrames} and to the other nodes' through {@link TurnRelay}.
 *
 * <p>A turn is queued, and its model asked, while the disk still confirms the question; nothing of it reaches anyone
 * before it is {@linkplain #start started}, which happens once the question is on disk and delivered. Until then its
 * frames wait ({@link #shown}); a turn whose question the disk refused is {@linkplain #abandon abandoned} and never
 * shows.
 */
public final class Turn {
    final String id = UUID.randomUUID().toString();
    final long roomId;
    final String room;
    final Caller asker;
    final long replyTo;
    final String question;
    final String model;
    /** What the model is asked, read at admission. */
    final Prompt prompt;
    /** The answer found in the cache at admission, or null: then the provider is asked. */
    final ResponseCache.Entry cached;
    final long createdNanos = System.nanoTime();
    final Cancellation cancellation = new Cancellation();
    final TurnFrames frames;
    private TurnRelay relay;
    private final AtomicReference<Runnable> onSettled = new AtomicReference<>();
    /** True once the turn was started (announced to the room), false once abandoned; open until one of them. */
    private final CompletableFuture<Boolean> shown = new CompletableFuture<>();
    /** Set before the start's broadcast: a member joining from then on is caught up ({@link #replay}). */
    private volatile boolean starting;

    Turn(long roomId, String room, Caller asker, long replyTo, String question, String model, Prompt prompt, ResponseCache.Entry cached) {
        this.prompt = prompt;
        this.cached = cached;
        this.roomId = roomId;
        this.room = room;
        this.asker = asker;
        this.replyTo = replyTo;
        this.question = question;
        this.model = model;
        this.frames = new TurnFrames(room, id, replyTo, model);
    }

    public String id() {
        return id;
    }

    public String room() {
        return room;
    }

    public Caller asker() {
        return asker;
    }

    /**
     * Tells every member of the room, on every node, that the turn is queued ({@code queuePosition} > 0) or starting.
     * The turn can be cancelled before anyone sees its start: a member may answer the start with {@code cancel_turn}
     * at once.
     */
    void start(TurnFrames.Members members, TurnRelay relay, Integer queuePosition) {
        starting = true;
        try {
            this.relay = relay;
            relay.started(this, queuePosition);
            frames.start(members, queuePosition);
        } finally {
            shown.complete(true); // whatever happened, the turn goes on to its end: its lane never waits for good
        }
    }

    /**
     * The question was not confirmed by the disk: the turn never shows (its frames, its error and its reply are
     * dropped) and its provider call stops.
     */
    void abandon() {
        shown.complete(false);
        cancellation.cancel();
    }

    /** Waits until the turn was started (true) or abandoned (false); at once after either. */
    boolean shown() {
        return shown.join();
    }

    /** The next piece of text, to every member that saw the start; waits for the start, dropped if abandoned. */
    void delta(RoomHub hub, String piece) {
        if (shown()) {
            frames.delta(TurnFrames.Members.of(hub), piece, relay == null ? () -> { } : () -> relay.delta(this, piece));
        }
    }

    /** A member of this node joined the room: it gets the start and the text so far, once the turn is starting. */
    void replay(ChatSession session, Outbox outbox) {
        if (starting) {
            frames.replay(session.id(), e -> session.send(outbox.encode(e)));
        }
    }

    /** What to run once the turn no longer needs its place in the queue (set by the worker). */
    void onSettled(Runnable action) {
        onSettled.set(action);
    }

    /** The turn's provider work is over (its reply is about to be stored, or it failed): frees its place, once. */
    void settle() {
        Runnable action = onSettled.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }

    String text() {
        return frames.text();
    }

    /** The reply is stored (or the turn failed): no more frames. True the first time, when the turn really ends here. */
    boolean finish() {
        boolean first = frames.finish();
        if (first && relay != null) {
            relay.ended(this);
        }
        return first;
    }
}
