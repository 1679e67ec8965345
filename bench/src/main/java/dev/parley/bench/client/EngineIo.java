package dev.parley.bench.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The minimal Engine.IO v4 + Socket.IO v5 framing over the WebSocket transport that the socket.io peer needs: one
 * packet per WebSocket text frame, default namespace only, no binary attachments.
 *
 * <pre>
 *   server → "0{sid,pingInterval,pingTimeout,…}"  open          client → "40{auth}"          connect
 *   server → "2"                                ping          client → "3"                 pong
 *   server → "40{sid}" / "44{message}"          connected / connect error
 *   both   → "42[event,…]" / "42&lt;id&gt;[event,…]"   event (with an ack id)
 *   server → "43&lt;id&gt;[…]"                         ack of the client's event &lt;id&gt;
 * </pre>
 */
public final class EngineIo {
    private EngineIo() {
    }

    /** A packet received from the server. */
    public sealed interface Packet {
    }

    public record Open(JsonObject handshake) implements Packet {
    }

    public record Ping() implements Packet {
    }

    public record Connected(JsonObject data) implements Packet {
    }

    public record ConnectError(JsonObject data) implements Packet {
    }

    public record Disconnect() implements Packet {
    }

    /** An event; {@code ackId} is -1 when the server asks for no ack. */
    public record Event(int ackId, JsonArray args) implements Packet {
    }

    public record Ack(int ackId, JsonArray args) implements Packet {
    }

    /** Anything this minimal client does not use (close, noop, binary packets…), kept for error reports. */
    public record Other(String raw) implements Packet {
    }

    public static Packet decode(String frame) {
        if (frame.isEmpty()) {
            return new Other(frame);
        }
        return switch (frame.charAt(0)) {
            case '0' -> new Open(new JsonObject(frame.substring(1)));
            case '2' -> new Ping();
            case '4' -> decodeSocketIo(frame);
            default -> new Other(frame);
        };
    }

    private static Packet decodeSocketIo(String frame) {
        if (frame.length() < 2) {
            return new Other(frame);
        }
        String rest = frame.substring(2);
        return switch (frame.charAt(1)) {
            case '0' -> new Connected(rest.isEmpty() ? new JsonObject() : new JsonObject(rest));
            case '1' -> new Disconnect();
            case '2' -> {
                int json = jsonStart(rest);
                yield new Event(ackIdOf(rest, json), new JsonArray(rest.substring(json)));
            }
            case '3' -> {
                int json = jsonStart(rest);
                yield new Ack(ackIdOf(rest, json), new JsonArray(rest.substring(json)));
            }
            case '4' -> new ConnectError(rest.isEmpty() ? new JsonObject() : new JsonObject(rest));
            default -> new Other(frame);
        };
    }

    private static int jsonStart(String rest) {
        int i = 0;
        while (i < rest.length() && Character.isDigit(rest.charAt(i))) {
            i++;
        }
        if (i == rest.length() || rest.charAt(i) != '[') {
            throw new IllegalArgumentException("not a socket.io event or ack: " + rest);
        }
        return i;
    }

    private static int ackIdOf(String rest, int jsonStart) {
        return jsonStart == 0 ? -1 : Integer.parseInt(rest.substring(0, jsonStart));
    }

    /** The client's CONNECT to the default namespace with its auth payload. */
    public static String connect(JsonObject auth) {
        return "40" + auth.encode();
    }

    /** An event asking for an ack with the given id. */
    public static String event(int ackId, JsonArray args) {
        return "42" + ackId + args.encode();
    }

    public static String pong() {
        return "3";
    }
}
