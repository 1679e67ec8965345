package dev.parley.chat;

import dev.parley.cluster.ClusterBus;
import dev.parley.cluster.ClusterListener;
import dev.parley.config.ParleyConfig;
import dev.parley.message.Draft;
import dev.parley.message.HistoryService;
import dev.parley.message.MessageWriter;
import dev.parley.message.Stored;
import dev.parley.presence.PresenceTracker;
import dev.parley.presence.TypingTracker;
import dev.parley.protocol.ClientEvent;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.ServerEvent;
import dev.parley.room.RoomNames;
import dev.parley.room.RoomRef;
import dev.parley.room.RoomService;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * What the protocol's frames do. {@link #handle} runs on the connection's event loop, which owns the connection's
 * state: quick frames (send, typing, leave, ping) are handled there at once; a join's database work and a slash
 * command run on a virtual thread while the connection's later frames wait ({@link ChatSession#block}), and their
 * outcome is applied back on the event loop. A send is queued to the {@link MessageWriter} and acknowledged when
 * committed, so one connection's sends are pipelined and never wait for each other.
 */
@Singleton
public class ChatService {
    private static final Logger LOG = Logger.getLogger(ChatService.class);

    private final RoomService rooms;
    private final HistoryService history;
    private final MessageWriter writer;
    private final RoomHub hub;
    private final PresenceTracker presence;
    private final TypingTracker typing;
    private final Outbox outbox;
    private final ParleyConfig config;
    private final List<MessageHook> hooks;
    private final SendRateLimit sendRate;
    private final ExecutorService blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("parley-chat-", 0).factory());

    ChatService(RoomService rooms, HistoryService history, MessageWriter writer, RoomHub hub, PresenceTracker presence,
            TypingTracker typing, Outbox outbox, ParleyConfig config, Instance<MessageHook> hooks, SendRateLimit sendRate,
            ClusterBus bus) {
        this.sendRate = sendRate;
        if (bus.enabled()) {
            bus.listen(new ClusterListener() {
                @Override
                public void missedTraffic() {
                    // a room change said on the bus meanwhile is lost with it: every room this node has members in is
                    // checked again (off the bus's thread: it reads the database)
                    blocking.execute(() -> hub.roomNames().forEach(name -> roomChanged(new RoomService.RoomChanged(name))));
                }
            });
        }
        this.rooms = rooms;
        this.history = history;
        this.writer = writer;
        this.hub = hub;
        this.presence = presence;
        this.typing = typing;
        this.outbox = outbox;
        this.config = config;
        this.hooks = hooks.stream().toList();
    }

    /** A client frame, on the connection's event loop. */
    public void handle(ChatSession session, ClientEvent event) {
        switch (event) {
            case ClientEvent.JoinRoom join -> join(session, join);
            case ClientEvent.LeaveRoom leave -> leave(session, leave.room());
            case ClientEvent.SendMessage send -> send(session, send);
            case ClientEvent.Typing t -> typing(session, t);
            case ClientEvent.CancelTurn cancel -> cancel(session, cancel);
            case ClientEvent.Ping ping -> session.send(outbox.encode(new ServerEvent.Pong()));
        }
    }

    // ---- join ----

    private void join(ChatSession session, ClientEvent.JoinRoom join) {
        String name = RoomNames.requireRoom(join.room());
        session.block();
        blocking.execute(() -> {
            Subscription sub = null;
            try {
                RoomService.Entry entry = rooms.joinOrCreate(name, session.caller());
                RoomRef room = entry.room();
                sub = hub.subscribe(name, session); // before the snapshot: see Subscription
                HistoryService.Snapshot snapshot = history.snapshot(room.id(), name, join.since(), join.epoch());
                writer.known(room.id(), name, snapshot.lastSeq());
                Subscription joined = sub;
                session.run(() -> joined(session, room, entry.members(), joined, snapshot));
            } catch (Throwable failure) {
                Subscription abandoned = sub;
                session.run(() -> {
                    if (abandoned != null) {
                        hub.unsubscribe(abandoned);
                    }
                    answerFailure(session, failure, "join_room");
                    session.unblock();
                });
            }
        });
    }

    /** On the event loop: the join's database work is done; the connection enters the room. */
    private void joined(ChatSession session, RoomRef room, List<String> stored, Subscription sub,
            HistoryService.Snapshot snapshot) {
        String name = room.name();
        try {
            if (session.ended() || sub.revoked()) {
                // the connection closed, or lost the room (removed, deleted) while the join was served
                hub.unsubscribe(sub);
                if (!session.ended()) {
                    session.send(outbox.encode(new ServerEvent.Error(ErrorCode.NOT_FOUND, "no such room: " + name, "join_room", null)));
                }
                return;
            }
            Subscription previous = session.subscription(name);
            if (previous != null) {
                // a second join on the same connection (a resume): the new stream replaces the old, presence stays
                previous.revoke();
                hub.unsubscribe(previous);
            } else if (presence.connect(name, session.user())) {
                // before the joiner's `joined`: whoever joins after that sees this user in `members` instead
                String user = session.user();
                hub.broadcast(name, new ServerEvent.Presence(name, user, "online"), s -> !s.user().equals(user));
            }
            session.enter(room, sub);
            sub.activate(outbox.encode(new ServerEvent.Joined(name, room.id(), members(stored, name), snapshot.messages(),
                    snapshot.lastSeq(), snapshot.recovered())), snapshot.lastSeq());
            for (MessageHook hook : hooks) {
                hook.joined(session, name);
            }
        } catch (RuntimeException e) {
            answerFailure(session, e, "join_room");
        } finally {
            session.unblock();
        }
    }

    /** The stored members in the order they joined, then whoever else is online here (an admin in a private room). */
    private List<ServerEvent.Member> members(List<String> stored, String name) {
        Set<String> users = new LinkedHashSet<>(stored);
        users.addAll(presence.online(name));
        List<ServerEvent.Member> members = new ArrayList<>(users.size());
        for (String user : users) {
            members.add(new ServerEvent.Member(user, presence.isOnline(name, user) ? "online" : "offline"));
        }
        return members;
    }

    // ---- leave, disconnect, removal ----

    private void leave(ChatSession session, String room) {
        String name = RoomNames.requireRoom(room);
        if (!takeOut(session, name)) {
            throw new ProtocolException(ErrorCode.NOT_JOINED, "not in room " + name);
        }
    }

    /** On the event loop: takes the connection out of a room it is in and tells it with {@code left}. */
    private boolean takeOut(ChatSession session, String name) {
        Subscription sub = session.exit(name);
        if (sub == null) {
            return false;
        }
        detach(session, sub);
        session.send(outbox.encode(new ServerEvent.Left(name)));
        return true;
    }

    /** On the event loop: the connection is gone; it leaves every room it was in. */
    void disconnected(ChatSession session) {
        for (String name : session.roomNames()) {
            Subscription sub = session.exit(name);
            if (sub != null) {
                detach(session, sub);
            }
        }
    }

    private void detach(ChatSession session, Subscription sub) {
        sub.revoke();
        hub.unsubscribe(sub);
        String room = sub.room();
        boolean offline = presence.disconnect(room, session.user());
        if (presence.absentHere(room, session.user())) {
            stopTyping(room, session.user());
        }
        if (offline) {
            hub.broadcast(room, new ServerEvent.Presence(room, session.user(), "offline"), s -> true);
        }
    }

    /**
     * Takes the room away from connections that may no longer be in it, each on its own event loop: a connection
     * in the room leaves it ({@code left}); one whose join is still being served gets {@code not_found} for it.
     */
    private void revoke(String name, Predicate<ChatSession> mayStay) {
        for (Subscription sub : hub.subscriptions(name)) {
            ChatSession session = sub.session();
            if (mayStay.test(session)) {
                continue;
            }
            session.run(() -> {
                if (session.subscription(name) == sub) {
                    takeOut(session, name);
                } else {
                    sub.revoke();
                    hub.unsubscribe(sub);
                }
            });
        }
    }

    /**
     * A room's members or privacy changed: connections whose user may no longer see it leave it at once, as if
     * they had sent {@code leave_room}, so a removed member stops receiving its messages.
     */
    void roomChanged(@Observes RoomService.RoomChanged event) {
        if (hub.subscriptions(event.name()).isEmpty()) {
            return;
        }
        rooms.audience(event.name()).ifPresentOrElse(
                audience -> revoke(event.name(), s -> audience.test(s.caller())),
                () -> revoke(event.name(), s -> false));
    }

    /**
     * A user came online or went offline in a room through another node, or went offline after the grace: this
     * node's members of the room hear it.
     */
    void presenceChanged(@Observes PresenceTracker.Changed event) {
        String user = event.user();
        hub.broadcast(event.room(), new ServerEvent.Presence(event.room(), user, event.online() ? "online" : "offline"),
                s -> !s.user().equals(user));
    }

    void roomDeleted(@Observes RoomService.RoomDeleted event) {
        revoke(event.name(), s -> false);
    }

    // ---- send ----

    private void send(ChatSession session, ClientEvent.SendMessage send) {
        RoomRef room = joined(session, send.room());
        validateClientId(send.clientId());
        Draft draft = Draft.user(room.id(), room.name(), session.user(), send.clientId(), validateText(send.text()));
        if (isCommand(draft.text())) {
            // a command may read or write the database: off the event loop, later frames wait for it
            session.block();
            blocking.execute(() -> {
                CompletableFuture<SendOutcome> result;
                try {
                    result = submit(session, draft);
                } catch (Throwable failure) {
                    result = CompletableFuture.failedFuture(failure);
                }
                CompletableFuture<SendOutcome> outcome = result;
                session.run(() -> {
                    acknowledge(session, send.clientId(), outcome);
                    session.unblock();
                });
            });
            return;
        }
        acknowledge(session, send.clientId(), submit(session, draft));
    }

    /** Answers the sender once the send settles: {@code ack} after the commit, or the error. */
    private void acknowledge(ChatSession session, String clientId, CompletableFuture<SendOutcome> outcome) {
        outcome.whenComplete((result, failure) -> {
            if (failure != null) {
                answerFailure(session, failure, clientId);
            } else if (result instanceof SendOutcome.Saved saved) {
                // a command that answered with command_result stored nothing to acknowledge
                MessageView m = saved.stored().message();
                session.send(outbox.encode(new ServerEvent.Ack(m.room(), clientId, m.id(), m.seq(), m.ts(), saved.stored().duplicate())));
            }
        });
    }

    private boolean isCommand(String text) {
        for (MessageHook hook : hooks) {
            if (hook.isCommand(text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The common path of every person's message (WebSocket and REST): slash commands go to their handler, other
     * text is stored, ends the sender's typing indicator and is offered to the hooks (the assistant) once committed.
     * A hook that fails does not undo the stored message; the sender is told with {@code internal}.
     */
    public CompletableFuture<SendOutcome> submit(ChatSession session, Draft draft) {
        sendRate.acquire(draft.sender());
        for (MessageHook hook : hooks) {
            CompletableFuture<SendOutcome> handled = hook.command(session, draft);
            if (handled != null) {
                return handled;
            }
        }
        CompletableFuture<Stored> stored = writer.submit(draft, hooks.isEmpty() ? null
                : (message, durable) -> offer(session, draft, message, durable));
        stopTyping(draft.room(), draft.sender());
        return stored.thenApply(SendOutcome.Saved::new);
    }

    /**
     * Offers a new message to the hooks as soon as it is committed, on the writer's thread, while the disk confirms it
     * ({@link MessageWriter.Written}). A hook that throws is reported to the sender once the message is stored.
     */
    private void offer(ChatSession session, Draft draft, MessageView message, CompletionStage<Stored> durable) {
        for (MessageHook hook : hooks) {
            try {
                hook.written(session, message, durable);
            } catch (RuntimeException e) {
                LOG.errorf(e, "hook %s failed on message %d of %s", hook.getClass().getSimpleName(), message.seq(), message.room());
                if (session != null) {
                    durable.thenRun(() -> session.send(outbox.encode(new ServerEvent.Error(ErrorCode.INTERNAL,
                            "your message was stored, but the assistant could not take it", draft.clientId(), null))));
                }
            }
        }
    }

    // ---- typing, cancel ----

    private void typing(ChatSession session, ClientEvent.Typing t) {
        RoomRef room = joined(session, t.room());
        String user = session.user();
        if (t.typing()) {
            if (typing.start(room.name(), user, () -> announceTyping(room.name(), user, false))) {
                announceTyping(room.name(), user, true);
            }
        } else {
            stopTyping(room.name(), user);
        }
    }

    private void stopTyping(String room, String user) {
        if (typing.stop(room, user)) {
            announceTyping(room, user, false);
        }
    }

    private void announceTyping(String room, String user, boolean on) {
        hub.relay(room, new ServerEvent.TypingEvent(room, user, on), user);
    }

    private void cancel(ChatSession session, ClientEvent.CancelTurn cancel) {
        joined(session, cancel.room());
        for (MessageHook hook : hooks) {
            if (hook.cancel(session, cancel.room(), cancel.turnId())) {
                return;
            }
        }
        throw new ProtocolException(ErrorCode.NOT_FOUND, "no running assistant turn " + cancel.turnId());
    }

    // ---- checks ----

    private RoomRef joined(ChatSession session, String room) {
        String name = RoomNames.requireRoom(room);
        RoomRef ref = session.room(name);
        if (ref == null) {
            throw new ProtocolException(ErrorCode.NOT_JOINED, "join room " + name + " first");
        }
        return ref;
    }

    private void validateClientId(String clientId) {
        if (clientId.isEmpty() || clientId.length() > config.message().maxClientIdChars()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "clientId must be 1 to " + config.message().maxClientIdChars() + " characters");
        }
    }

    /** Checks a message text against the limits; returns it unchanged (text is stored verbatim). */
    public String validateText(String text) {
        if (text == null || text.isBlank()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "text must not be empty");
        }
        if (text.indexOf('\u0000') >= 0) {
            // PostgreSQL cannot store NUL in text; refuse it on every database alike
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "text must not contain NUL characters");
        }
        if (text.codePointCount(0, text.length()) > config.message().maxChars()) {
            throw new ProtocolException(ErrorCode.TOO_LARGE,
                    "text is longer than " + config.message().maxChars() + " characters");
        }
        return text;
    }

    /** Tells the client a frame failed: its own protocol error, or {@code internal} (with the cause in the log). */
    private void answerFailure(ChatSession session, Throwable failure, String ref) {
        ProtocolException e = unwrap(failure);
        if (e.code() == ErrorCode.INTERNAL && !(unwrapped(failure) instanceof ProtocolException)) {
            LOG.errorf(unwrapped(failure), "%s of %s failed", ref, session.user());
        }
        session.send(outbox.encode(ServerEvent.Error.of(e, ref)));
    }

    static ProtocolException unwrap(Throwable failure) {
        return unwrapped(failure) instanceof ProtocolException p ? p : new ProtocolException(ErrorCode.INTERNAL, "internal error");
    }

    private static Throwable unwrapped(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    void shutdown(@Observes ShutdownEvent event) {
        blocking.shutdown();
    }
}
