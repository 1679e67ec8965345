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
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The assistant's read-only tools. Their scope comes from the server: the turn's room and the user who asked.
 * Only {@code limit} and {@code query} are read from the model's arguments; a room or user named there is ignored.
 * <p>
 * In a room, a tool's answer is streamed to every member and stored with the reply (exports show it), so it holds
 * only what every reader of the room may see and never more than the asker may see: the turn's room, and public
 * data. {@code list_rooms} there lists the public rooms, plus the turn's room when it is private; never another
 * private room, not even one the asker belongs to. Only a question about the server as a whole ({@code roomId}
 * null, answered to the asker alone) lists the private rooms the asker may see.
 */
@Singleton
public class RoomTools {
    public static final String ROOM_MEMBERS = "room_members";
    public static final String RECENT_MESSAGES = "recent_messages";
    public static final String SEARCH_MESSAGES = "search_messages";
    public static final String ROOM_INFO = "room_info";
    public static final String LIST_ROOMS = "list_rooms";
    private static final int MAX_LIMIT = 50;
    /** Most rooms one {@code list_rooms} answer names. */
    static final int MAX_ROOMS = 200;

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
            new LlmMessage.ToolSpec(LIST_ROOMS, "Lists the public rooms of the server (and this room).", "{\"type\":\"object\",\"properties\":{}}"));

    private static final List<LlmMessage.ToolSpec> SERVER_TOOLS = List.of(
            new LlmMessage.ToolSpec(LIST_ROOMS, "Lists the rooms the person who asked may see.", "{\"type\":\"object\",\"properties\":{}}"));

    private final PresenceTracker presence;
    private final ObjectMapper json;

    RoomTools(PresenceTracker presence, ObjectMapper json) {
        this.presence = presence;
        this.json = json;
    }

    /** The tools offered in a scope: all five in a room, only {@code list_rooms} for the server as a whole. */
    public List<LlmMessage.ToolSpec> specs(Scope scope) {
        return scope.roomId() == null ? SERVER_TOOLS : ROOM_TOOLS;
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
            case LIST_ROOMS -> QuarkusTransaction.requiringNew().call(() -> listRooms(scope));
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

    /**
     * In a room: the public rooms, and the turn's room itself when it is private (and the asker may still see it).
     * For a question about the server: every room the asker may see.
     */
    private String listRooms(Scope scope) {
        Caller asker = scope.asker();
        List<Object[]> rows;
        if (scope.roomId() == null && asker.admin()) {
            rows = Room.getEntityManager().createQuery("select r.name, r.description, r.isPrivate, r.lastSeq from Room r order by r.name",
                    Object[].class).setMaxResults(MAX_ROOMS).getResultList();
        } else if (scope.roomId() == null) {
            rows = Room.getEntityManager().createQuery("select r.name, r.description, r.isPrivate, r.lastSeq from Room r where r.isPrivate = false"
                    + " or exists (select 1 from Membership m where m.room = r and m.username = :user) order by r.name", Object[].class)
                    .setParameter("user", asker.username()).setMaxResults(MAX_ROOMS).getResultList();
        } else {
            Room current = room(scope);
            rows = Room.getEntityManager().createQuery("select r.name, r.description, r.isPrivate, r.lastSeq from Room r where r.isPrivate = false"
                    + " or r.id = :current order by r.name", Object[].class)
                    .setParameter("current", current == null ? -1L : current.id).setMaxResults(MAX_ROOMS).getResultList();
        }
        ArrayNode out = json.createArrayNode();
        for (Object[] r : rows) {
            String name = (String) r[0];
            out.addObject().put("name", name).put("description", (String) r[1]).put("private", (Boolean) r[2])
                    .put("online", presence.onlineCount(name)).put("messages", (Long) r[3]);
        }
        return out.toString();
    }

    private String error(String message) {
        return json.createObjectNode().put("error", message).toString();
    }
}
