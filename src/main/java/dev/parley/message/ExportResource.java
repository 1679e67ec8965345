package dev.parley.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.auth.Caller;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageKind;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Timestamps;
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
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/rooms/{room}/export?format=json|jsonl}: the room's metadata and its whole transcript, speaker by
 * speaker, for evaluation and training sets. Streams in pages, so a long room does not sit in memory.
 * JSONL: a first line {@code {"type":"room",...}} then one {@code {"type":"message",...}} per line.
 */
@Path("/api/rooms/{room}/export")
@Authenticated
@RunOnVirtualThread
public class ExportResource {
    private static final int PAGE = 1000;
    private final RoomService rooms;
    private final SecurityIdentity identity;
    private final ObjectMapper json;

    ExportResource(RoomService rooms, SecurityIdentity identity, ObjectMapper json) {
        this.rooms = rooms;
        this.identity = identity;
        this.json = json;
    }

    @GET
    public Response export(@PathParam("room") String room, @QueryParam("format") String format) {
        String fmt = format == null ? "json" : format;
        if (!fmt.equals("json") && !fmt.equals("jsonl")) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "format must be json or jsonl");
        }
        Caller caller = Caller.of(identity);
        Map<String, Object> meta = QuarkusTransaction.requiringNew().call(() -> metadata(rooms.visible(room, caller)));
        long roomId = (Long) meta.remove("_id");
        StreamingOutput body = out -> write(out, fmt, meta, roomId);
        return Response.ok(body, fmt.equals("json") ? "application/json" : "application/x-ndjson")
                .header("Content-Disposition", "attachment; filename=\"" + room + "." + fmt + "\"").build();
    }

    private void write(OutputStream out, String fmt, Map<String, Object> meta, long roomId) throws IOException {
        boolean lines = fmt.equals("jsonl");
        try (JsonGenerator gen = json.getFactory().createGenerator(out)) {
            gen.setCodec(json);
            if (lines) {
                Map<String, Object> head = new LinkedHashMap<>();
                head.put("type", "room");
                head.putAll(meta);
                gen.writeObject(head);
                gen.writeRaw('\n');
            } else {
                gen.writeStartObject();
                gen.writeObjectField("room", meta);
                gen.writeArrayFieldStart("messages");
            }
            long after = 0;
            while (true) {
                long from = after;
                List<Message> page = QuarkusTransaction.requiringNew().call(() -> Message.<Message>find(
                        "roomId = ?1 and seq > ?2 order by seq", roomId, from).page(0, PAGE).list());
                for (Message m : page) {
                    Map<String, Object> entry = entry(m);
                    if (lines) {
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("type", "message");
                        line.putAll(entry);
                        gen.writeObject(line);
                        gen.writeRaw('\n');
                    } else {
                        gen.writeObject(entry);
                    }
                    after = m.seq;
                }
                if (page.size() < PAGE) {
                    break;
                }
            }
            if (!lines) {
                gen.writeEndArray();
                gen.writeEndObject();
            }
        }
    }

    private static Map<String, Object> metadata(Room room) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("_id", room.id);
        meta.put("name", room.name);
        meta.put("description", room.description);
        meta.put("tags", room.tagList());
        meta.put("private", room.isPrivate);
        meta.put("assistant", room.assistantMode);
        meta.put("model", room.model);
        meta.put("owner", room.owner);
        meta.put("members", room.members());
        meta.put("lastSeq", room.lastSeq);
        meta.put("clearedSeq", room.clearedSeq);
        meta.put("exportedAt", Timestamps.format(Instant.now()));
        return meta;
    }

    private Map<String, Object> entry(Message m) throws IOException {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("seq", m.seq);
        e.put("id", m.id);
        e.put("ts", Timestamps.format(m.createdAt));
        e.put("speaker", m.sender);
        e.put("kind", m.kind.wire());
        e.put("text", m.text);
        if (m.clientId != null) {
            e.put("clientId", m.clientId);
        }
        if (Boolean.TRUE.equals(m.imported)) {
            e.put("imported", true);
        }
        if (m.kind == MessageKind.ASSISTANT) {
            e.put("model", m.model);
            e.put("turnId", m.turnId);
            e.put("cached", Boolean.TRUE.equals(m.cached));
            e.put("usage", Map.of("inputTokens", m.inputTokens == null ? 0 : m.inputTokens,
                    "outputTokens", m.outputTokens == null ? 0 : m.outputTokens));
            if (Boolean.TRUE.equals(m.cancelled)) {
                e.put("cancelled", true);
            }
            if (m.meta != null) {
                e.put("tools", json.readTree(m.meta));
            }
        }
        return e;
    }
}
