package dev.parley.room;

import dev.parley.auth.Caller;
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

/** SPEC §3 rooms (their history is served by {@code message.HistoryResource}). */
@Path("/api/rooms")
@Authenticated
@RunOnVirtualThread
public class RoomResource {
    private final RoomService rooms;
    private final SecurityIdentity identity;

    RoomResource(RoomService rooms, SecurityIdentity identity) {
        this.rooms = rooms;
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
        Long requested = limitParameter(limit);
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

    /** The {@code limit} query parameter; text that is not a number is a 400, not JAX-RS's default 404. */
    private static Long limitParameter(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new dev.parley.protocol.ProtocolException(dev.parley.protocol.ErrorCode.BAD_REQUEST, "limit must be a number");
        }
    }

    private Caller caller() {
        return Caller.of(identity);
    }
}
