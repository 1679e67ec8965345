package dev.parley.chat;

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
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What the protocol's frames do. Called by {@link ChatSocket} on a virtual thread, one frame at a time per
 * connection; a send is queued to the {@link MessageWriter} and acknowledged when committed, so one connection's
 * sends are pipelined and never wait for each other.
 */
@Singleton
public class ChatService {
    private final RoomService rooms;
    private final HistoryService history;
    private final MessageWriter writer;
    private final RoomHub hub;
    private final PresenceTracker presence;
    private final TypingTracker typing;
    private final Outbox outbox;
    private final ParleyConfig config;
    private final List<MessageHook> hooks;

    ChatService(RoomService rooms, HistoryService history, MessageWriter writer, RoomHub hub, PresenceTracker presence,
            TypingTracker typing, Outbox outbox, ParleyConfig config, jakarta.enterprise.inject.Instance<MessageHook> hooks) {
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

    private void join(ChatSession session, ClientEvent.JoinRoom join) {
        String name = RoomNames.requireRoom(join.room());
        RoomRef room = rooms.joinOrCreate(name, session.caller());
        boolean rejoin = session.rooms().containsKey(name);
        if (rejoin) {
            // a second join on the same connection (a resume): replace the live stream, keep presence as it is
            hub.unsubscribe(name, session);
        }
        Subscription sub = hub.subscribe(name, session);
        session.rooms().put(name, room);
        HistoryService.Snapshot snapshot;
        try {
            snapshot = history.snapshot(room.id(), name, join.since());
        } catch (RuntimeException e) {
            hub.unsubscribe(name, session);
            session.rooms().remove(name);
            throw e;
        }
        boolean cameOnline = !rejoin && presence.connect(name, session.user());
        if (cameOnline) {
            // before the joiner's `joined`: whoever joins after that sees this user in `members` instead
            hub.broadcast(name, new ServerEvent.Presence(name, session.user(), "online"), s -> !s.user().equals(session.user()));
        }
        sub.activate(outbox.encode(new ServerEvent.Joined(name, 0L, members(room, name), snapshot.messages(),
                snapshot.lastSeq(), snapshot.recovered())), snapshot.lastSeq());
        for (MessageHook hook : hooks) {
            hook.joined(session, name);
        }
    }

    private List<ServerEvent.Member> members(RoomRef room, String name) {
        Set<String> users = new LinkedHashSet<>(room.members());
        users.addAll(presence.online(name));
        List<ServerEvent.Member> members = new ArrayList<>(users.size());
        for (String user : users) {
            members.add(new ServerEvent.Member(user, presence.isOnline(name, user) ? "online" : "offline"));
        }
        return members;
    }

    private void leave(ChatSession session, String room) {
        String name = RoomNames.requireRoom(room);
        if (!takeOut(session, name)) {
            throw new ProtocolException(ErrorCode.NOT_JOINED, "not in room " + name);
        }
    }

    /** Takes a connection out of a room it is in and tells it with {@code left}; false when it was not in it. */
    private boolean takeOut(ChatSession session, String name) {
        if (session.rooms().remove(name) == null) {
            return false;
        }
        detach(session, name);
        session.send(outbox.encode(new ServerEvent.Left(name)));
        return true;
    }

    /** The connection is gone: it leaves every room it was in. */
    public void disconnected(ChatSession session) {
        for (String room : List.copyOf(session.rooms().keySet())) {
            // whoever takes the room out of the session (this, a leave, an eviction) detaches it, once
            if (session.rooms().remove(room) != null) {
                detach(session, room);
            }
        }
    }

    private void detach(ChatSession session, String room) {
        hub.unsubscribe(room, session);
        if (presence.disconnect(room, session.user())) {
            stopTyping(room, session.user());
            hub.broadcast(room, new ServerEvent.Presence(room, session.user(), "offline"), s -> true);
        }
    }

    private void send(ChatSession session, ClientEvent.SendMessage send) {
        RoomRef room = joined(session, send.room());
        validateClientId(send.clientId());
        Draft draft = Draft.user(room.id(), room.name(), session.user(), send.clientId(), validateText(send.text()));
        CompletableFuture<Stored> stored = submit(session, draft);
        stored.whenComplete((result, failure) -> {
            if (failure != null) {
                ProtocolException e = unwrap(failure);
                session.send(outbox.encode(ServerEvent.Error.of(e, send.clientId())));
                return;
            }
            if (result.answered()) {
                return; // a command that answered with command_result: nothing was stored, nothing to acknowledge
            }
            MessageView m = result.message();
            session.send(outbox.encode(new ServerEvent.Ack(m.room(), send.clientId(), m.id(), m.seq(), m.ts(), result.duplicate())));
        });
    }

    /**
     * The common path of every person's message (WebSocket and REST): slash commands go to their handler, other
     * text is stored, ends the sender's typing indicator and is offered to the hooks (the assistant) after commit.
     */
    public CompletableFuture<Stored> submit(ChatSession session, Draft draft) {
        for (MessageHook hook : hooks) {
            CompletableFuture<Stored> handled = hook.command(session, draft);
            if (handled != null) {
                return handled;
            }
        }
        CompletableFuture<Stored> stored = writer.submit(draft);
        stopTyping(draft.room(), draft.sender());
        stored.thenAccept(result -> {
            if (!result.duplicate()) {
                for (MessageHook hook : hooks) {
                    hook.stored(session, result.message());
                }
            }
        });
        return stored;
    }

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
        hub.broadcast(room, new ServerEvent.TypingEvent(room, user, on), s -> !s.user().equals(user));
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

    private RoomRef joined(ChatSession session, String room) {
        String name = RoomNames.requireRoom(room);
        RoomRef ref = session.rooms().get(name);
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

    static ProtocolException unwrap(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return t instanceof ProtocolException p ? p : new ProtocolException(ErrorCode.INTERNAL, "internal error");
    }

    /**
     * A room's members or privacy changed: connections whose user may no longer see it leave it at once, as if
     * they had sent {@code leave_room}, so a removed member stops receiving its messages.
     */
    void roomChanged(@Observes RoomService.RoomChanged event) {
        String name = event.name();
        List<ChatSession> inRoom = hub.sessions(name);
        if (inRoom.isEmpty()) {
            return;
        }
        rooms.audience(name).ifPresent(mayStay -> {
            for (ChatSession session : inRoom) {
                if (!mayStay.test(session.caller())) {
                    takeOut(session, name);
                }
            }
        });
    }

    void roomDeleted(@Observes RoomService.RoomDeleted event) {
        hub.drop(event.name());
        presence.forget(event.name());
    }
}
