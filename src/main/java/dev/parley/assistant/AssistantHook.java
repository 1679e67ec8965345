package dev.parley.assistant;

import dev.parley.assistant.cache.ResponseCache;
import dev.parley.assistant.command.SlashCommands;
import dev.parley.assistant.ratelimit.TurnRateLimit;
import dev.parley.auth.Caller;
import dev.parley.chat.ChatSession;
import dev.parley.chat.MessageHook;
import dev.parley.chat.Outbox;
import dev.parley.chat.SendOutcome;
import dev.parley.cluster.ClusterBus;
import dev.parley.cluster.ClusterListener;
import dev.parley.message.Draft;
import dev.parley.message.Stored;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.ServerEvent;
import dev.parley.ratelimit.Gcra;
import dev.parley.room.AssistantMode;
import dev.parley.room.Room;
import dev.parley.room.RoomRef;
import dev.parley.room.RoomService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Plugs the assistant into the chat path: slash commands, deciding whether a stored message starts a turn (a
 * mention of {@code @<ASSISTANT_NAME>}, or the room's mode {@code always}; never in mode {@code off}), the per-user
 * rate limit, catching up members who join mid-turn, and {@code cancel_turn}. Nothing here blocks the caller:
 * decisions run on the room's admission lane, which starts as soon as the question is committed, while the disk
 * confirms it: the lane reads the room and the prompt ({@link TurnRunner#prompt}), runs the rate limit with the cached
 * answer in one round trip to Redis, and queues the turn, whose model is asked at once. Nothing reaches the room or
 * the asker before the question is on disk and delivered; a question the disk refused shows nothing (its sender was
 * told, and the node stops taking messages).
 */
@Singleton
public class AssistantHook implements MessageHook {
    private static final Logger LOG = Logger.getLogger(AssistantHook.class);
    private final AssistantConfig config;
    private final AssistantWorker worker;
    private final TurnRunner runner;
    private final TurnRateLimit rateLimit;
    private final ResponseCache cache;
    private final SlashCommands commands;
    private final Outbox outbox;
    private final Pattern mention;

    private final TurnRelay relay;

    AssistantHook(AssistantConfig config, AssistantWorker worker, TurnRunner runner, TurnRateLimit rateLimit, ResponseCache cache,
            SlashCommands commands, Outbox outbox, TurnRelay relay, ClusterBus bus) {
        this.cache = cache;
        this.relay = relay;
        if (bus.enabled()) {
            bus.listen(forgetAfterLostTraffic);
        }
        this.config = config;
        this.worker = worker;
        this.runner = runner;
        this.rateLimit = rateLimit;
        this.commands = commands;
        this.outbox = outbox;
        this.mention = Pattern.compile("(^|[^A-Za-z0-9_.-])@" + Pattern.quote(config.assistantName()) + "(?![A-Za-z0-9_-])",
                Pattern.CASE_INSENSITIVE);
    }

    @Override
    public CompletableFuture<SendOutcome> command(ChatSession session, Draft draft) {
        return draft.kind() == MessageKind.USER && SlashCommands.isCommand(draft.text()) ? commands.run(session, draft) : null;
    }

    @Override
    public boolean isCommand(String text) {
        return SlashCommands.isCommand(text);
    }

    /** True when the text calls the assistant by name. */
    boolean mentions(String text) {
        return mention.matcher(text).find();
    }

    @Override
    public void written(ChatSession session, MessageView message, CompletionStage<Stored> durable) {
        if (message.kind() != MessageKind.USER || message.sender().equalsIgnoreCase(config.assistantName())) {
            return;
        }
        boolean mentioned = message.text().indexOf('@') >= 0 && mentions(message.text()); // runs on the writer's thread
        Settings known = settings.get(message.room());
        if (!mentioned && known != null && !AssistantMode.ALWAYS.wire().equals(known.mode())) {
            return; // the common case costs no lane, no query
        }
        Caller asker = session != null ? session.caller() : new Caller(message.sender(), false);
        worker.admit(message.room(), () -> {
            try {
                decide(session, asker, message, mentioned, durable);
            } catch (RuntimeException e) {
                // the room's settings or the rate limit could not be read: the sender hears of it, the log has why
                LOG.errorf(e, "deciding on message %d in room %s failed", message.seq(), message.room());
                if (delivered(durable)) {
                    tell(session, new ProtocolException(ErrorCode.INTERNAL,
                            "the assistant could not take your message; it was delivered, the error is logged"), message);
                }
            }
        });
    }

    /** A room's assistant settings, cached until the room changes ({@link RoomService.RoomChanged}). */
    private record Settings(long id, String mode, String model) {
    }

    private final ConcurrentHashMap<String, Settings> settings = new ConcurrentHashMap<>();

    void roomChanged(@Observes RoomService.RoomChanged event) {
        settings.remove(event.name());
    }

    /** With several nodes: a room change said on the bus while it was cut is lost, so every room is read again. */
    private final ClusterListener forgetAfterLostTraffic = new ClusterListener() {
        @Override
        public void missedTraffic() {
            settings.clear();
        }
    };

    private Settings settings(String room) {
        Settings known = settings.get(room);
        if (known != null) {
            return known;
        }
        Settings loaded = QuarkusTransaction.requiringNew().call(() -> Room.findByName(room)
                .map(r -> new Settings(r.id, r.assistantMode, r.model)).orElse(null));
        if (loaded != null) {
            settings.putIfAbsent(room, loaded);
        }
        return loaded;
    }

    /**
     * Runs on the room's admission lane while the disk confirms the question: reads the room, the prompt and the rate
     * limit with the cached answer and queues the turn, then waits for the question to be on disk and delivered before
     * the room or the asker hears anything of it. A question the disk did not confirm shows nothing: its turn is
     * abandoned, its provider call stopped (its sender was told, and the node takes no more messages).
     */
    private void decide(ChatSession session, Caller asker, MessageView message, boolean mentioned, CompletionStage<Stored> durable) {
        Settings room = settings(message.room());
        if (room == null) {
            return;
        }
        AssistantMode mode = AssistantMode.parse(room.mode().toLowerCase(Locale.ROOT));
        if (mode == AssistantMode.OFF || (mode == AssistantMode.MENTION && !mentioned)) {
            return;
        }
        Optional<Gcra.Decision> refused = rateLimit.knownRefused(asker.username());
        if (refused.isPresent()) {
            if (delivered(durable)) {
                tellRateLimited(session, refused.get(), message); // an over-limit user's questions cost no read
            }
            return;
        }
        String model = room.model() == null ? config.model() : room.model();
        Prompt prompt = runner.prompt(room.id(), message.seq(), message.text(), model, asker).orElse(null);
        if (prompt == null) {
            return; // the room was deleted meanwhile
        }
        Gcra.Read read = rateLimit.admit(asker.username(), prompt.cacheKey()); // with the cached answer: one round trip
        Gcra.Decision decision = read.decision();
        if (!decision.allowed()) {
            if (delivered(durable)) {
                tellRateLimited(session, decision, message);
            }
            return;
        }
        ResponseCache.Entry cached = cache.found(read.value()).orElse(null);
        Turn turn = new Turn(room.id(), message.room(), asker, message.seq(), message.text(), model, prompt, cached);
        try {
            worker.enqueue(turn, runner); // the model is asked now, while the disk confirms the question
        } catch (ProtocolException busy) {
            if (delivered(durable)) {
                tell(session, busy, message);
            }
            return;
        }
        if (delivered(durable)) {
            worker.announce(turn); // from here the room sees the turn: its start, then what the model streamed
        } else {
            turn.abandon();
        }
    }

    /** Waits for the question's commit to be on disk and delivered; false when it never will be. */
    private static boolean delivered(CompletionStage<Stored> durable) {
        try {
            durable.toCompletableFuture().join(); // the writer's own future: no copy
            return true;
        } catch (CompletionException | CancellationException e) {
            return false; // the disk refused it: the sender was told, the node is stopping
        }
    }

    private void tellRateLimited(ChatSession session, Gcra.Decision decision, MessageView message) {
        tell(session, new ProtocolException(ErrorCode.RATE_LIMITED, "you asked the assistant " + config.rateLimit()
                + " times this minute; your message was delivered, the assistant will not answer it", decision.retryAfterMs()), message);
    }

    private void tell(ChatSession session, ProtocolException e, MessageView message) {
        if (session != null) {
            session.send(outbox.encode(ServerEvent.Error.of(e, message.clientId() == null ? "send_message" : message.clientId())));
        }
    }

    @Override
    public void joined(ChatSession session, String room) {
        worker.joined(session, room);
    }

    @Override
    public boolean cancel(ChatSession session, String room, String turnId) {
        Turn turn = worker.live(turnId);
        if (turn != null && turn.room().equals(room)) {
            mayCancel(session, room, turn.asker().username());
            turn.cancellation.cancel();
            return true;
        }
        TurnRelay.Mirror elsewhere = relay.remote(turnId);
        if (elsewhere != null && elsewhere.frames().room.equals(room)) {
            mayCancel(session, room, elsewhere.asker());
            relay.cancel(elsewhere); // the node running it stops it; its end reaches everyone as usual
            return true;
        }
        return false;
    }

    private static void mayCancel(ChatSession session, String room, String asker) {
        RoomRef ref = session.room(room);
        boolean allowed = asker.equals(session.user()) || session.caller().admin() || (ref != null && session.user().equals(ref.owner()));
        if (!allowed) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "only the person who asked or the room's owner may cancel this turn");
        }
    }
}
