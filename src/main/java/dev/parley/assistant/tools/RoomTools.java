package dev.parley.assistant.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.assistant.provider.LlmMessage;
import dev.parley.auth.Caller;
import dev.parley.message.Message;
import dev.parley.presence.PresenceTracker;
import dev.parley.protocol.Timestamps;
import dev.parley.room.Room;
import dev.parley.room.RoomService;
import dev.parley.room.RoomView;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The assistant's read-only tools. Their scope comes from the server: the turn's room and the user who asked.
 * Only {@code limit} and {@code query} are read from the model's arguments; a room or user named there is ignored.
 */
@Singleton
public class RoomTools {
    public static final String ROOM_MEMBERS = "room_members";
    public static final String RECENT_MESSAGES = "recent_messages";
    public static final String SEARCH_MESSAGES = "search_messages";
    public static final String ROOM_INFO = "room_info";
    public static final String LIST_ROOMS = "list_rooms";
    private static final int MAX_LIMIT = 50;

    /** Whose question and which room: {@code roomId} is null for a question about the server as a whole. */
    public record Scope(Long roomId, String room, Caller asker) {
    }

    private static final List<LlmMessage.ToolSpec> ROOM_TOOLS = List.of(
            new LlmMessage.ToolSpec(ROOM_MEMBERS, "Lists the members of this room and whether each is online.", "{\"type\":\"object\",\"properties\":{}}"),
            new LlmMessage.ToolSpec(RECENT_MESSAGES, "Returns the most recent messages of this room, oldest first.",
                    "{\"type\":\"object\",\"properties\":{\"limit\":{\"type\":\"integer\",\"description\":\"how many, 1 to 50 (default 20)\"}}}"),
            new LlmMessage.ToolSpec(SEARCH_MESSAGES, "Finds messages of this room whose text contains the query (case-insensitive), newest matches.",
                    "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"},\"limit\":{\"type\":\"integer\",\"description\":\"1 to 50 (default 20)\"}},\"required\":[\"query\"]}"),
            new LlmMessage.ToolSpec(ROOM_INFO, "Describes this room: description, tags, privacy, assistant mode, model, owner, message count, people online.",
                    "{\"type\":\"object\",\"properties\":{}}"),
            new LlmMessage.ToolSpec(LIST_ROOMS, "Lists the rooms the person who asked may see.", "{\"type\":\"object\",\"properties\":{}}"));

    private final RoomService rooms;
    private final PresenceTracker presence;
    private final ObjectMapper json = new ObjectMapper();

    RoomTools(RoomService rooms, PresenceTracker presence) {
        this.rooms = rooms;
        this.presence = presence;
    }

    /** The tools offered in a scope: all five in a room, only {@code list_rooms} for the server as a whole. */
    public List<LlmMessage.ToolSpec> specs(Scope scope) {
        return scope.roomId() == null ? ROOM_TOOLS.stream().filter(t -> t.name().equals(LIST_ROOMS)).toList() : ROOM_TOOLS;
    }

    /** Runs one tool call; the result is JSON text for the model (an {@code error} field when it cannot run). */
    public String run(Scope scope, LlmMessage.ToolCall call) {
        JsonNode args;
        try {
            args = json.readTree(call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments());
        } catch (Exception e) {
            args = json.createObjectNode();
        }
        JsonNode a = args;
        if (scope.roomId() == null && !LIST_ROOMS.equals(call.name())) {
            return error("tool " + call.name() + " is not available here; use list_rooms");
        }
        return switch (call.name()) {
            case ROOM_MEMBERS -> QuarkusTransaction.requiringNew().call(() -> members(scope));
            case RECENT_MESSAGES -> QuarkusTransaction.requiringNew().call(() -> recent(scope, limit(a)));
            case SEARCH_MESSAGES -> QuarkusTransaction.requiringNew().call(() -> search(scope, a.path("query").asText(""), limit(a)));
            case ROOM_INFO -> QuarkusTransaction.requiringNew().call(() -> info(scope));
            case LIST_ROOMS -> listRooms(scope);
            default -> error("unknown tool " + call.name());
        };
    }

    private static int limit(JsonNode args) {
        int limit = args.path("limit").asInt(20);
        return Math.max(1, Math.min(MAX_LIMIT, limit));
    }

    /** The turn's room, re-checked against the asker's permissions at the time of the call. */
    private Room room(Scope scope) {
        Room room = Room.findById(scope.roomId());
        return room != null && RoomService.canSee(room, scope.asker()) ? room : null;
    }

    private String members(Scope scope) {
        Room room = room(scope);
        if (room == null) {
            return error("the room is not available");
        }
        ArrayNode out = json.createArrayNode();
        List<String> names = new ArrayList<>(room.members());
        for (String online : presence.online(room.name)) {
            if (!names.contains(online)) {
                names.add(online);
            }
        }
        for (String user : names) {
            out.addObject().put("user", user).put("status", presence.isOnline(room.name, user) ? "online" : "offline")
                    .put("owner", user.equals(room.owner));
        }
        return out.toString();
    }

    private String recent(Scope scope, int limit) {
        Room room = room(scope);
        if (room == null) {
            return error("the room is not available");
        }
        List<Message> found = new ArrayList<>(Message.<Message>find("roomId = ?1 order by seq desc", room.id).page(0, limit).list());
        Collections.reverse(found);
        return messages(found).toString();
    }

    private String search(Scope scope, String query, int limit) {
        Room room = room(scope);
        if (room == null) {
            return error("the room is not available");
        }
        if (query.isBlank()) {
            return error("query is required");
        }
        String pattern = "%" + query.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        List<Message> found = Message.getEntityManager()
                .createQuery("select m from Message m where m.roomId = :r and lower(m.text) like :q escape '\\' order by m.seq desc", Message.class)
                .setParameter("r", room.id).setParameter("q", pattern).setMaxResults(limit).getResultList();
        return messages(found).toString();
    }

    private ArrayNode messages(List<Message> list) {
        ArrayNode out = json.createArrayNode();
        for (Message m : list) {
            out.addObject().put("seq", m.seq).put("sender", m.sender).put("kind", m.kind.wire()).put("text", m.text)
                    .put("ts", Timestamps.format(m.createdAt));
        }
        return out;
    }

    private String info(Scope scope) {
        Room room = room(scope);
        if (room == null) {
            return error("the room is not available");
        }
        ObjectNode out = json.createObjectNode();
        out.put("name", room.name).put("description", room.description).put("private", room.isPrivate)
                .put("assistant", room.assistantMode).put("model", room.model).put("owner", room.owner)
                .put("messages", room.lastSeq).put("online", presence.onlineCount(room.name));
        ArrayNode tags = out.putArray("tags");
        room.tagList().forEach(tags::add);
        return out.toString();
    }

    private String listRooms(Scope scope) {
        ArrayNode out = json.createArrayNode();
        for (RoomView r : rooms.list(scope.asker())) {
            out.addObject().put("name", r.name()).put("description", r.description()).put("private", r.isPrivate())
                    .put("online", r.online()).put("messages", r.lastSeq());
        }
        return out.toString();
    }

    private String error(String message) {
        return json.createObjectNode().put("error", message).toString();
    }
}
