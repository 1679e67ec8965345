package dev.parley.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The test client itself, against a hand-written server that does what a real one may do. */
class WsClientTest {
    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");

    @Test
    void aCloseSentRightBehindTheHandshakeIsSeenAsTheConnectionsClose() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answering = Thread.ofVirtual().start(() -> upgradeAndCloseAtOnce(server));
            // the 101 and a close frame with 1011 leave in one write, so the client reads them together
            try (WsClient client = WsClient.connect(URI.create("http://127.0.0.1:" + server.getLocalPort()), "/ws", Map.of())) {
                assertThat(client.awaitClose()[0]).isEqualTo(1011);
            }
            answering.join();
        }
    }

    private static void upgradeAndCloseAtOnce(ServerSocket server) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
            }
            Matcher key = KEY.matcher(head.toString(StandardCharsets.ISO_8859_1));
            if (!key.find()) {
                return;
            }
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            answer.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(digest) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            answer.writeBytes(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xF3}); // close, 1011
            OutputStream out = s.getOutputStream();
            out.write(answer.toByteArray());
            out.flush();
            while (in.read() >= 0) {
                // until the client's close and end of stream (or the timeout)
            }
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            // the client's side of the test reports what went wrong
        }
    }
}
