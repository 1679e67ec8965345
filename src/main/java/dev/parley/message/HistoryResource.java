package dev.parley.message;

import dev.parley.auth.Caller;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.room.Room;
import dev.parley.room.RoomService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

/** SPEC §3 {@code GET /api/rooms/{room}/messages}: a page of a room's history, beside its export. */
@Path("/api/rooms/{room}/messages")
@Authenticated
@RunOnVirtualThread
public class HistoryResource {
    private final RoomService rooms;
    private final HistoryService history;
    private final SecurityIdentity identity;

    HistoryResource(RoomService rooms, HistoryService history, SecurityIdentity identity) {
        this.rooms = rooms;
        this.history = history;
        this.identity = identity;
    }

    @GET
    public HistoryService.Page messages(@PathParam("room") String room, @QueryParam("before") String before,
            @QueryParam("after") String after, @QueryParam("limit") String limit) {
        return page(room, number("before", before), number("after", after), number("limit", limit));
    }

    /** A numeric query parameter; text that is not a number is a 400, not JAX-RS's default 404. */
    public static Long number(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, name + " must be a number");
        }
    }

    /** History of a room the caller may see; shared with {@code /api/chat/history}. */
    public HistoryService.Page page(String room, Long before, Long after, Long limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Room r = rooms.visible(room, Caller.of(identity));
            return history.page(r.id, r.name, before, after, limit);
        });
    }
}
