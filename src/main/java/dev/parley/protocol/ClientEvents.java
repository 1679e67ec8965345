package dev.parley.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.CharConversionException;
import java.io.IOException;

/** Decodes a text frame into a {@link ClientEvent}, refusing anything malformed with a precise {@link ErrorCode}. */
public final class ClientEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientEvents() {
    }

    /** A decoding failure that remembers what it answers (the frame's type or clientId, when known). */
    public static final class DecodeException extends ProtocolException {
        private final String ref;

        DecodeException(ErrorCode code, String message, String ref) {
            super(code, message);
            this.ref = ref;
        }

        public String ref() {
            return ref;
        }
    }

    /**
     * Decodes a frame's UTF-8 bytes; bytes that are not UTF-8 or not JSON get {@code bad_request}. The WebSocket
     * transport hands text frames over with invalid UTF-8 already replaced by U+FFFD, so a frame holding U+FFFD
     * is refused as invalid UTF-8 too (a legitimate U+FFFD in chat text is all but unheard of).
     */
    public static ClientEvent decode(byte[] frame) {
        if (hasReplacementChar(frame)) {
            throw new DecodeException(ErrorCode.BAD_REQUEST, "frame is not valid UTF-8", null);
        }
        JsonNode node;
        try {
            node = JSON.readTree(frame);
        } catch (CharConversionException e) {
            throw new DecodeException(ErrorCode.BAD_REQUEST, "frame is not valid UTF-8", null);
        } catch (JsonProcessingException e) {
            throw new DecodeException(ErrorCode.BAD_REQUEST,
                    e.getMessage() != null && e.getMessage().contains("UTF-8") ? "frame is not valid UTF-8" : "frame is not valid JSON", null);
        } catch (IOException e) {
            throw new DecodeException(ErrorCode.BAD_REQUEST, "frame is not valid JSON", null);
        }
        if (node == null || !node.isObject()) {
            throw new DecodeException(ErrorCode.BAD_REQUEST, "frame must be a JSON object", null);
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new DecodeException(ErrorCode.BAD_REQUEST, "frame needs a string \"type\"", null);
        }
        String type = typeNode.asText();
        return switch (type) {
            case "join_room" -> new ClientEvent.JoinRoom(text(node, "room", type), since(node, type), epoch(node, type));
            case "leave_room" -> new ClientEvent.LeaveRoom(text(node, "room", type));
            case "send_message" -> {
                JsonNode clientId = node.get("clientId");
                String ref = clientId != null && clientId.isTextual() ? clientId.asText() : type;
                yield new ClientEvent.SendMessage(text(node, "room", ref), text(node, "clientId", ref), text(node, "text", ref));
            }
            case "typing" -> new ClientEvent.Typing(text(node, "room", type), bool(node, "typing", type));
            case "cancel_turn" -> new ClientEvent.CancelTurn(text(node, "room", type), text(node, "turnId", type));
            case "ping" -> new ClientEvent.Ping();
            default -> throw new DecodeException(ErrorCode.UNKNOWN_TYPE, "unknown frame type \"" + abbreviate(type) + "\"", abbreviate(type));
        };
    }

    private static boolean hasReplacementChar(byte[] b) {
        for (int i = 0; i + 2 < b.length; i++) {
            if (b[i] == (byte) 0xEF && b[i + 1] == (byte) 0xBF && b[i + 2] == (byte) 0xBD) {
                return true;
            }
        }
        return false;
    }

    private static String text(JsonNode node, String field, String ref) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new DecodeException(ErrorCode.BAD_REQUEST, "missing field \"" + field + "\"", ref);
        }
        if (!value.isTextual()) {
            throw new DecodeException(ErrorCode.BAD_REQUEST, "field \"" + field + "\" must be a string", ref);
        }
        return value.asText();
    }

    private static boolean bool(JsonNode node, String field, String ref) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw new DecodeException(ErrorCode.BAD_REQUEST, "field \"" + field + "\" must be true or false", ref);
        }
        return value.asBoolean();
    }

    private static Long since(JsonNode node, String ref) {
        return optionalCount(node, "since", ref);
    }

    private static Long epoch(JsonNode node, String ref) {
        return optionalCount(node, "epoch", ref);
    }

    /** An optional non-negative integer field. */
    private static Long optionalCount(JsonNode node, String field, String ref) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToExactIntegral() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new DecodeException(ErrorCode.BAD_REQUEST, "field \"" + field + "\" must be a non-negative integer", ref);
        }
        return value.asLong();
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
