package dev.parley.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.auth.Caller;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageKind;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Timestamps;
import dev.parley.room.Room;
import dev.parley.room.RoomService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * SPEC §3 {@code POST /api/rooms/{room}/import}: a transcript in the export's JSONL format goes into an empty room
 * the caller manages, all or nothing. Every line is checked before anything is written; the messages then get seqs
 * 1..n and the room's {@code last_seq} becomes n in the same transaction. That update only succeeds while
 * {@code last_seq} is 0, so a message sent meanwhile (its writer bumps the same row) either lands after the
 * imported ones or makes the import fail with {@code conflict}.
 */
@ApplicationScoped
public class TranscriptImport {
    private static final int FLUSH_EVERY = 500;
    private final RoomService rooms;
    private final ObjectMapper json;

    TranscriptImport(RoomService rooms, ObjectMapper json) {
        this.rooms = rooms;
        this.json = json;
    }

    /** What an import stored. */
    @RegisterForReflection
    public record Result(String room, int imported, long lastSeq) {
    }

    /** One checked transcript line. */
    record Line(String speaker, MessageKind kind, String text, Instant ts, String model, String turnId, Boolean cached,
            Boolean cancelled, Integer inputTokens, Integer outputTokens, String meta) {
    }

    public Result importJsonl(String room, Caller caller, String body) {
        List<Line> lines = parse(body);
        return QuarkusTransaction.requiringNew().call(() -> store(room, caller, lines));
    }

    private Result store(String name, Caller caller, List<Line> lines) {
        Room room = rooms.visible(name, caller);
        if (!RoomService.canManage(room, caller)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "only the room's owner can import into it");
        }
        EntityManager em = Message.getEntityManager();
        int claimed = em.createQuery("update Room r set r.lastSeq = :n where r.id = :id and r.lastSeq = 0")
                .setParameter("n", (long) lines.size()).setParameter("id", room.id).executeUpdate();
        if (claimed == 0) {
            throw new ProtocolException(ErrorCode.CONFLICT, "room " + name + " already has messages; import into a new room");
        }
        Instant now = Timestamps.now();
        long seq = 0;
        for (Line line : lines) {
            Message m = new Message();
            m.roomId = room.id;
            m.seq = ++seq;
            m.sender = line.speaker();
            m.kind = line.kind();
            m.text = line.text();
            m.createdAt = line.ts() == null ? now : line.ts();
            m.model = line.model();
            m.turnId = line.turnId();
            m.cached = line.cached();
            m.cancelled = line.cancelled();
            m.inputTokens = line.inputTokens();
            m.outputTokens = line.outputTokens();
            m.meta = line.meta();
            m.imported = Boolean.TRUE;
            em.persist(m);
            if (seq % FLUSH_EVERY == 0) {
                em.flush();
                em.clear();
            }
        }
        return new Result(name, lines.size(), seq);
    }

    /** Checks every line; the first bad one is refused with {@code bad_request} naming its line number. */
    List<Line> parse(String body) {
        List<Line> out = new ArrayList<>();
        String[] raw = body == null ? new String[0] : body.split("\n", -1);
        boolean first = true;
        for (int i = 0; i < raw.length; i++) {
            String text = raw[i].endsWith("\r") ? raw[i].substring(0, raw[i].length() - 1) : raw[i];
            if (text.isBlank()) {
                continue;
            }
            int lineNo = i + 1;
            JsonNode node;
            try {
                node = json.readTree(text);
            } catch (JsonProcessingException e) {
                throw bad(lineNo, "not valid JSON");
            }
            if (node == null || !node.isObject()) {
                throw bad(lineNo, "not a JSON object");
            }
            String type = node.path("type").asText("");
            if (type.equals("room") && first) {
                first = false;
                continue;
            }
            first = false;
            if (!type.equals("message")) {
                throw bad(lineNo, "\"type\" must be \"message\" (or \"room\" on the first line)");
            }
            out.add(line(node, lineNo));
        }
        if (out.isEmpty()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "the transcript holds no messages");
        }
        return out;
    }

    private Line line(JsonNode node, int lineNo) {
        String speaker = string(node, "speaker", lineNo, true, 64);
        if (speaker.isBlank()) {
            throw bad(lineNo, "\"speaker\" must not be empty");
        }
        String kindName = string(node, "kind", lineNo, true, 16);
        MessageKind kind;
        try {
            kind = MessageKind.of(kindName);
        } catch (IllegalArgumentException e) {
            throw bad(lineNo, "\"kind\" must be user, assistant or system");
        }
        String text = string(node, "text", lineNo, true, 1_000_000);
        String tsText = string(node, "ts", lineNo, false, 64);
        Instant ts = null;
        if (tsText != null) {
            try {
                ts = Instant.parse(tsText);
            } catch (DateTimeParseException e) {
                throw bad(lineNo, "\"ts\" must be an ISO-8601 UTC timestamp");
            }
        }
        if (kind != MessageKind.ASSISTANT) {
            return new Line(speaker, kind, text, ts, null, null, null, null, null, null, null);
        }
        JsonNode usage = node.path("usage");
        String meta = null;
        if (node.hasNonNull("tools")) {
            try {
                meta = json.writeValueAsString(node.get("tools"));
            } catch (JsonProcessingException e) {
                throw bad(lineNo, "\"tools\" cannot be stored");
            }
        }
        return new Line(speaker, kind, text, ts, string(node, "model", lineNo, false, 200),
                string(node, "turnId", lineNo, false, 64), bool(node, "cached", lineNo),
                Boolean.TRUE.equals(bool(node, "cancelled", lineNo)) ? Boolean.TRUE : null,
                count(usage, "inputTokens", lineNo), count(usage, "outputTokens", lineNo), meta);
    }

    private static String string(JsonNode node, String field, int lineNo, boolean required, int maxChars) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw bad(lineNo, "missing \"" + field + "\"");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw bad(lineNo, "\"" + field + "\" must be a string");
        }
        if (value.asText().length() > maxChars) {
            throw bad(lineNo, "\"" + field + "\" is longer than " + maxChars + " characters");
        }
        return value.asText();
    }

    private static Boolean bool(JsonNode node, String field, int lineNo) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw bad(lineNo, "\"" + field + "\" must be true or false");
        }
        return value.asBoolean();
    }

    private static Integer count(JsonNode node, String field, int lineNo) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw bad(lineNo, "\"usage." + field + "\" must be a non-negative integer");
        }
        return value.asInt();
    }

    private static ProtocolException bad(int lineNo, String why) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, "line " + lineNo + ": " + why);
    }
}
