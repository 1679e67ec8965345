package dev.parley.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;

/**
 * A WebSocket client written on a bare socket, for what a well-behaved client library cannot do: send a text frame
 * with invalid UTF-8, go silent (never answer pings) while keeping the TCP connection open, or stop reading.
 */
public final class RawWs implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawWs(URI base, String token) throws IOException {
        this(base, token, 0);
    }

    /** Connects with a socket receive buffer of {@code receiveBuffer} bytes (0: the system's), for a slow reader. */
    public RawWs(URI base, String token, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
        socket.setSoTimeout(40_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET /ws HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readHeaders();
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + status);
        }
    }

    private String readHeaders() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during handshake");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
    }

    /** Sends only the header of a masked text frame that announces {@code length} payload bytes. */
    public void announceFrame(long length) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            frame.write((int) (length >> shift));
        }
        frame.write(new byte[] {1, 2, 3, 4});
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Sends one masked frame with the given opcode (1 text, 2 binary) and raw payload. */
    public synchronized void sendFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        int len = payload.length;
        if (len < 126) {
            frame.write(0x80 | len);
        } else if (len < 65536) {
            frame.write(0x80 | 126);
            frame.write(len >> 8);
            frame.write(len);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) len >> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < len; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    private record Frame(int opcode, byte[] payload) {
    }

    /** The next frame, or null when the connection ended. Answers nothing, not even pings. */
    private Frame readFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = in.read();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (in.read() << 8) | in.read();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | in.read();
            }
        }
        return new Frame(b0 & 0x0f, in.readNBytes((int) len));
    }

    /** Reads the next text frame, skipping others. */
    public String nextText() throws IOException {
        return nextText(opcode -> { });
    }

    /** Reads the next text frame; the opcodes of the frames skipped before it (pings: 9) go to {@code skipped}. */
    public String nextText(IntConsumer skipped) throws IOException {
        for (Frame f = readFrame(); f != null; f = readFrame()) {
            if (f.opcode() == 1) {
                return new String(f.payload(), StandardCharsets.UTF_8);
            }
            skipped.accept(f.opcode());
        }
        throw new IOException("connection closed");
    }

    /**
     * Reads frames until the server closes the connection; returns the close code (or -1 when the TCP
     * connection ended without a close frame).
     */
    public int awaitCloseCode() throws IOException {
        for (Frame f = readFrame(); f != null; f = readFrame()) {
            if (f.opcode() == 8) {
                byte[] p = f.payload();
                return p.length >= 2 ? ((p[0] & 0xff) << 8) | (p[1] & 0xff) : 1005;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
