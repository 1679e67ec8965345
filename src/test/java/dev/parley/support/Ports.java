package dev.parley.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for servers a test starts as processes. They come from below the kernel's ephemeral range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}): a port taken with {@code new ServerSocket(0)} comes from that range,
 * and between the check and the child's bind any outgoing connection (a pool's, a client's) may take it as its local
 * port, so the server then fails to start. Below the range only another listener can take it.
 *
 * <p>Port 10080 is never given: browsers refuse to load a page from it (Chromium's and Firefox's restricted ports,
 * {@code net::ERR_UNSAFE_PORT}), and the browser test loads the web client from a server started here.
 */
public final class Ports {
    private static final int LOWEST = 10_000;
    /** The one port of the range that browsers refuse to load a page from. */
    private static final int UNSAFE_FOR_BROWSERS = 10_080;

    private Ports() {
    }

    /** A port that nothing listens on now and that outgoing connections do not take. */
    public static int free() {
        int below = ephemeralLow();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (port == UNSAFE_FOR_BROWSERS) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // another listener has it: try the next
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + below);
    }

    private static int ephemeralLow() {
        try {
            Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
            int low = Files.exists(range) ? Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]) : 32_768;
            return Math.max(LOWEST + 1_000, low);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
