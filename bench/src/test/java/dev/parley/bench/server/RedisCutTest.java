package dev.parley.bench.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedisCutTest {
    private static final String REDIS = System.getenv().getOrDefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13");

    @Test
    void onlyTheSubscribersFromTheGivenPortsAreChosen() {
        String list = "id=7 addr=127.0.0.1:50001 laddr=127.0.0.1:6379 fd=8 name= age=3 sub=1 psub=0 cmd=subscribe\n"
                + "id=9 addr=127.0.0.1:50002 laddr=127.0.0.1:6379 fd=9 name= age=3 sub=1 psub=0 cmd=subscribe\n"
                + "id=12 addr=[::1]:50003 laddr=[::1]:6379 fd=10 name= age=1 sub=1 psub=0 cmd=subscribe\n";
        assertEquals(List.of("7", "12"), RedisCut.subscribersFrom(list, Set.of(50001, 50003)));
    }

    @Test
    void repliesAreReadAsRespTwo() throws IOException {
        InputStream in = new ByteArrayInputStream("+OK\r\n:2\r\n$5\r\nhello\r\n-ERR no\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("OK", RedisCut.read(in));
        assertEquals(2L, RedisCut.read(in));
        assertEquals("hello", RedisCut.read(in));
        assertThrows(IOException.class, () -> RedisCut.read(in));
        assertEquals("*2\r\n$4\r\nPING\r\n$3\r\nhé\r\n", RedisCut.command("PING", "hé"), "lengths in bytes");
    }

    @Test
    void theProcesssPubSubConnectionIsKilledAndNothingElse() throws IOException {
        URI uri = URI.create(REDIS);
        try (Socket subscriber = new Socket(); Socket plain = new Socket()) {
            try {
                subscriber.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1_000);
                plain.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1_000);
            } catch (IOException e) {
                assumeTrue(false, "no Redis at " + REDIS);
            }
            subscriber.setSoTimeout(5_000);
            plain.setSoTimeout(5_000);
            InputStream sub = new BufferedInputStream(subscriber.getInputStream());
            subscriber.getOutputStream().write(RedisCut.command("SUBSCRIBE", "bench:redis-cut-test:" + ProcessHandle.current().pid())
                    .getBytes(StandardCharsets.UTF_8));
            assertTrue(new String(sub.readNBytes(20), StandardCharsets.UTF_8).contains("subscribe"));

            int killed = new RedisCut(REDIS).cut(List.of(ProcessHandle.current().pid()));

            assertEquals(1, killed);
            assertEquals(-1, readToEnd(sub), "the subscriber's connection was closed by Redis");
            InputStream other = new BufferedInputStream(plain.getInputStream());
            plain.getOutputStream().write(RedisCut.command("PING").getBytes(StandardCharsets.UTF_8));
            assertEquals("PONG", RedisCut.read(other), "a connection that is not a subscriber is left alone");
        }
    }

    @Test
    void aProcessWithoutSubscriberIsRefused() {
        URI uri = URI.create(REDIS);
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1_000);
        } catch (IOException e) {
            assumeTrue(false, "no Redis at " + REDIS);
        }
        IOException refused = assertThrows(IOException.class,
                () -> new RedisCut(REDIS).cut(List.of(ProcessHandle.current().pid())));
        assertTrue(refused.getMessage().contains("no pub/sub connection"), refused.getMessage());
    }

    private static int readToEnd(InputStream in) throws IOException {
        int c;
        do {
            c = in.read();
        } while (c >= 0);
        return c;
    }
}
