package dev.parley.chat;

import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.nio.charset.StandardCharsets;

/**
 * A text frame written to many members of a room, encoded to UTF-8 once: {@code writeTextMessage(String)} encodes
 * the text again for every socket, which was a fifth of all the bytes the server allocated while delivering to a
 * room of 100 (docs/performance.md, "The 50,000/s step, round by round"). Each socket gets its own frame wrapping
 * the same bytes; nothing writes to them. Vert.x has no public way to make a text frame from bytes, so this uses its
 * frame class ({@code io.vertx.core.http.impl.ws.WebSocketFrameImpl}, public in Vert.x 4.5); an upgrade that moves
 * it fails the build, not a delivery.
 */
final class SharedFrame {
    /**
     * Larger frames go through {@code writeTextMessage}, which splits text above the socket's frame size into
     * fragments; 64 KiB is Vert.x's default frame size, and Parley's (1 MiB) is not smaller.
     */
    static final int MAX_SHARED_BYTES = 65_536;

    private final String text;
    /** Null when the text is larger than {@link #MAX_SHARED_BYTES} in UTF-8. */
    private final byte[] utf8;

    SharedFrame(String text) {
        this.text = text;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        this.utf8 = bytes.length <= MAX_SHARED_BYTES ? bytes : null;
    }

    /** Whether the frame goes out as one shared encoding (false: {@code writeTextMessage}). */
    boolean shared() {
        return utf8 != null;
    }

    /** Writes the frame on the socket's event loop. */
    void writeTo(WebSocketBase socket) {
        if (utf8 == null) {
            socket.writeTextMessage(text);
        } else {
            socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true));
        }
    }
}
