package dev.parley.chat;

import dev.parley.auth.Caller;
import dev.parley.message.Draft;
import dev.parley.message.HistoryResource;
import dev.parley.message.HistoryService;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.room.Room;
import dev.parley.room.RoomService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** SPEC §3 {@code /api/chat}: history by query parameter, and sending a message over REST (same path as the socket). */
@Path("/api/chat")
@Authenticated
@RunOnVirtualThread
public class ChatResource {
    private final HistoryResource historyResource;
    private final RoomService rooms;
    private final ChatService chat;
    private final SecurityIdentity identity;

    ChatResource(HistoryResource historyResource, RoomService rooms, ChatService chat, SecurityIdentity identity) {
        this.historyResource = historyResource;
        this.rooms = rooms;
        this.chat = chat;
        this.identity = identity;
    }

    @RegisterForReflection
    public record SendBody(String room, String text, String clientId) {
    }

    @GET
    @Path("/history")
    public HistoryService.Page history(@QueryParam("room") String room, @QueryParam("before") String before,
            @QueryParam("limit") String limit) {
        if (room == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "query parameter room is required");
        }
        return historyResource.page(room, HistoryResource.number("before", before), null, HistoryResource.number("limit", limit));
    }

    @POST
    @Path("/message")
    public Response send(SendBody body) {
        if (body == null || body.room() == null || body.text() == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "room and text are required");
        }
        if (body.clientId() != null && (body.clientId().isEmpty() || body.clientId().length() > 64)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "clientId must be 1 to 64 characters");
        }
        Caller caller = Caller.of(identity);
        Room room = QuarkusTransaction.requiringNew().call(() -> rooms.visible(body.room(), caller));
        Draft draft = Draft.user(room.id, room.name, caller.username(), body.clientId(), chat.validateText(body.text()));
        try {
            return switch (chat.submit(null, draft).get(30, TimeUnit.SECONDS)) {
                // /help, /models, /who: their answer, nothing stored
                case SendOutcome.Answered answered -> Response.ok(answered.answer()).build();
                case SendOutcome.Saved saved -> Response.status(saved.stored().duplicate() ? 200 : 201)
                        .entity(saved.stored().message()).build();
            };
        } catch (ExecutionException | CompletionException e) {
            throw e.getCause() instanceof ProtocolException p ? p
                    : new ProtocolException(ErrorCode.INTERNAL, "the message could not be stored");
        } catch (TimeoutException e) {
            throw new ProtocolException(ErrorCode.BUSY, "storing the message timed out; send it again with the same clientId");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException(ErrorCode.INTERNAL, "interrupted");
        }
    }
}
