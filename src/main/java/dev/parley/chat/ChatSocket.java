package dev.parley.chat;

import dev.parley.auth.Caller;
import dev.parley.config.ParleyConfig;
import dev.parley.protocol.ClientEvent;
import dev.parley.protocol.ClientEvents;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.ServerEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;
import org.jboss.logging.Logger;

/**
 * The {@code /ws} endpoint: decodes frames and hands them to {@link ChatService}. Every callback runs on the
 * connection's event loop, which owns the connection's state ({@link ChatSession}); frames are handled in arrival
 * order, and wait behind a frame whose blocking step (a join's database work) is still running.
 * <p>
 * Inbound processing is {@code CONCURRENT}: websockets-next runs each callback as its own task on the connection's
 * event loop, in arrival order, and every callback here is non-blocking and done when it returns, so the loop alone
 * keeps the order; {@code SERIAL} would add a queue per connection (its first chunk alone a 1 KiB array) and atomic
 * operations per frame for nothing. The order across a blocking step is the session's own ({@link ChatSession#inbound}).
 */
@WebSocket(path = "/ws", inboundProcessingMode = InboundProcessingMode.CONCURRENT)
public class ChatSocket {
    private static final Logger LOG = Logger.getLogger(ChatSocket.class);

    private final ChatService chat;
    private final Sessions sessions;
    private final Outbox outbox;
    private final ParleyConfig config;

    private final SecurityIdentity identity;

    ChatSocket(ChatService chat, Sessions sessions, Outbox outbox, ParleyConfig config, SecurityIdentity identity) {
        this.identity = identity;
        this.chat = chat;
        this.sessions = sessions;
        this.outbox = outbox;
        this.config = config;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        Transport.tune(connection);
        sessions.opened(connection, Caller.of(identity), identity);
    }

    @OnTextMessage
    @NonBlocking
    void text(WebSocketConnection connection, Buffer frame) {
        ChatSession session = sessions.get(connection);
        if (session == null) {
            return;
        }
        session.heard();
        if (frame.length() > config.ws().maxFrameBytes()) {
            session.inbound(() -> refuse(session, new ProtocolException(ErrorCode.TOO_LARGE,
                    "frame is larger than " + config.ws().maxFrameBytes() + " bytes"), null));
            return;
        }
        byte[] bytes = frame.getBytes();
        session.inbound(() -> handle(session, bytes));
    }

    /** On the event loop, in arrival order. */
    private void handle(ChatSession session, byte[] frame) {
        if (session.ended()) {
            return;
        }
        ClientEvent event;
        try {
            event = ClientEvents.decode(frame);
        } catch (ClientEvents.DecodeException e) {
            refuse(session, e, e.ref());
            return;
        }
        try {
            chat.handle(session, event);
        } catch (ProtocolException e) {
            session.send(outbox.encode(ServerEvent.Error.of(e, ref(event))));
        } catch (RuntimeException e) {
            LOG.error("handling " + event.type() + " failed", e);
            session.send(outbox.encode(new ServerEvent.Error(ErrorCode.INTERNAL, "internal error", ref(event), null)));
        }
    }

    @OnBinaryMessage
    @NonBlocking
    void binary(WebSocketConnection connection, Buffer frame) {
        ChatSession session = sessions.get(connection);
        if (session != null) {
            session.heard();
            session.inbound(() -> refuse(session,
                    new ProtocolException(ErrorCode.BAD_REQUEST, "binary frames are not supported; send JSON text"), null));
        }
    }

    @OnPongMessage
    @NonBlocking
    void pong(WebSocketConnection connection, Buffer data) {
        ChatSession session = sessions.get(connection);
        if (session != null) {
            session.heard();
        }
    }

    /**
     * The transport refused a frame past its maximum message size: close with 1009 as RFC 6455 asks. Any other
     * {@code IllegalStateException} that reaches here is a fault (a callback such as {@link #open} threw): the
     * connection is closed with 1011, as websockets-next does with every failure no handler takes, so that no
     * connection stays open without a session.
     */
    @OnError
    void transportError(WebSocketConnection connection, IllegalStateException failure) {
        if (failure.getMessage() != null && failure.getMessage().contains("max message size")) {
            connection.close(new CloseReason(1009, "frame too large")).subscribe().with(ok -> { }, e -> { });
        } else {
            LOG.error("websocket failure on " + connection.id() + ": closing it with 1011", failure);
            connection.close(new CloseReason(1011, "internal error")).subscribe().with(ok -> { }, e -> { });
        }
    }

    @OnClose
    @NonBlocking
    void close(WebSocketConnection connection) {
        sessions.closed(connection);
    }

    /** An invalid frame: answered with an error; a connection that keeps sending them is closed with 1008. */
    private void refuse(ChatSession session, ProtocolException e, String ref) {
        session.send(outbox.encode(ServerEvent.Error.of(e, ref)));
        if (session.invalidFrame(config.ws().invalidFrameBurst(), config.ws().invalidFrameWindow().toNanos())) {
            session.close(1008, "too many invalid frames");
        }
    }

    private static String ref(ClientEvent event) {
        return event instanceof ClientEvent.SendMessage send ? send.clientId() : event.type();
    }

}
