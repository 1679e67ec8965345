package dev.parley.room;

import dev.parley.auth.Caller;
import dev.parley.message.HistoryService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** SPEC §3 rooms and room history. */
@Path("/api/rooms")
@Authenticated
@RunOnVirtualThread
public class RoomResource {
    private final RoomService rooms;
    private final HistoryService history;
    private final SecurityIdentity identity;

    RoomResource(RoomService rooms, HistoryService history, SecurityIdentity identity) {
        this.rooms = rooms;
        this.history = history;
        this.identity = identity;
    }

    /** Body of create and update; absent fields are left as they are. */
    @RegisterForReflection
    public record RoomBody(String name, String description, List<String> tags,
            @com.fasterxml.jackson.annotation.JsonProperty("private") Boolean isPrivate, String assistant, String model,
            List<String> members) {
        RoomService.RoomSpec spec(String nameOverride) {
            return new RoomService.RoomSpec(nameOverride, description, tags, isPrivate, assistant, model, members);
        }
    }

    /** SPEC §3: rooms by name, {@code limit} (default 200, at most 1000) after the name {@code after}. */
    @GET
    public List<RoomView> list(@QueryParam("after") String after, @QueryParam("limit") String limit) {
        Long requested = number("limit", limit);
        int size = requested == null ? RoomService.DEFAULT_LIST_PAGE : requested.intValue();
        if (requested != null && (requested < 1 || requested > RoomService.MAX_LIST_PAGE)) {
            throw new dev.parley.protocol.ProtocolException(dev.parley.protocol.ErrorCode.BAD_REQUEST,
                    "limit must be between 1 and " + RoomService.MAX_LIST_PAGE);
        }
        if (after != null && after.length() > 64) {
            throw new dev.parley.protocol.ProtocolException(dev.parley.protocol.ErrorCode.BAD_REQUEST, "after is not a room name");
        }
        return rooms.list(caller(), after, size);
    }

    @POST
    public Response create(RoomBody body) {
        if (body == null) {
            throw new dev.parley.protocol.ProtocolException(dev.parley.protocol.ErrorCode.BAD_REQUEST, "a JSON body is required");
        }
        return Response.status(201).entity(rooms.create(body.spec(body.name()), caller())).build();
    }

    @GET
    @Path("/{room}")
    public RoomView get(@PathParam("room") String room) {
        return rooms.get(room, caller());
    }

    @PATCH
    @Path("/{room}")
    public RoomView update(@PathParam("room") String room, RoomBody body) {
        if (body == null) {
            throw new dev.parley.protocol.ProtocolException(dev.parley.protocol.ErrorCode.BAD_REQUEST, "a JSON body is required");
        }
        return rooms.update(room, body.spec(null), caller());
    }

    @DELETE
    @Path("/{room}")
    public Response delete(@PathParam("room") String room) {
        rooms.delete(room, caller());
        return Response.noContent().build();
    }

    @GET
    @Path("/{room}/messages")
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
            throw new dev.parley.protocol.ProtocolException(dev.parley.protocol.ErrorCode.BAD_REQUEST, name + " must be a number");
        }
    }

    /** History of a room the caller may see; shared with {@code /api/chat/history}. */
    public HistoryService.Page page(String room, Long before, Long after, Long limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Room r = rooms.visible(room, caller());
            return history.page(r.id, r.name, before, after, limit);
        });
    }

    private Caller caller() {
        return Caller.of(identity);
    }
}
