package dev.parley.bench.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts the Redis pub/sub connections of given processes, as {@code CLIENT KILL TYPE pubsub} would, but only theirs:
 * the Redis may be shared, and other subscribers are none of the benchmark's business. The processes' connections
 * to Redis are found through {@code /proc} (their sockets' inodes, matched in {@code /proc/net/tcp{,6}} to get their
 * local ports), the subscribers among them in {@code CLIENT LIST TYPE pubsub}, and every one is killed with
 * {@code CLIENT KILL ID <id> TYPE pubsub}, all in one pipelined write so that Redis cuts them back to back. RESP over
 * a plain socket: no client library.
 */
public final class RedisCut {
    private final String host;
    private final int port;
    private final String password;

    /** @param redisUrl {@code redis://[[user]:password@]host[:port][/db]} */
    public RedisCut(String redisUrl) {
        URI uri = URI.create(redisUrl);
        this.host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        this.port = uri.getPort() < 0 ? 6379 : uri.getPort();
        String info = uri.getUserInfo();
        this.password = info == null || !info.contains(":") ? null : info.substring(info.indexOf(':') + 1);
    }

    /**
     * Kills the pub/sub connections the processes hold to this Redis and returns how many were killed; fails when a
     * process has none (nothing would be cut).
     */
    public int cut(List<Long> pids) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2_000);
            socket.setSoTimeout(5_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            if (password != null) {
                expectOk(call(out, in, "AUTH", password), "AUTH");
            }
            String clients = (String) call(out, in, "CLIENT", "LIST", "TYPE", "pubsub");
            List<String> ids = new ArrayList<>();
            for (long pid : pids) {
                Set<Integer> ports = localPortsTo(pid, port);
                List<String> found = subscribersFrom(clients, ports);
                if (found.isEmpty()) {
                    throw new IOException("process " + pid + " has no pub/sub connection to " + host + ":" + port);
                }
                ids.addAll(found);
            }
            StringBuilder pipeline = new StringBuilder();
            for (String id : ids) {
                pipeline.append(command("CLIENT", "KILL", "ID", id, "TYPE", "pubsub"));
            }
            out.write(pipeline.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            int killed = 0;
            for (int i = 0; i < ids.size(); i++) {
                Object reply = read(in);
                killed += reply instanceof Long n ? n.intValue() : 0;
            }
            return killed;
        }
    }

    /** The ids of the pub/sub clients whose address is one of the ports, from {@code CLIENT LIST}'s lines. */
    static List<String> subscribersFrom(String clientList, Set<Integer> ports) {
        List<String> ids = new ArrayList<>();
        for (String line : clientList.split("\n")) {
            String id = null;
            Integer from = null;
            for (String field : line.trim().split(" ")) {
                if (field.startsWith("id=")) {
                    id = field.substring(3);
                } else if (field.startsWith("addr=")) {
                    String addr = field.substring(5);
                    from = Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
                }
            }
            if (id != null && from != null && ports.contains(from)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The local ports of the process's TCP connections to {@code remotePort}. */
    static Set<Integer> localPortsTo(long pid, int remotePort) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // the descriptor was closed between the listing and the read: not a connection of interest
                }
            }
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && inodes.contains(f[9]) && hexPort(f[2]) == remotePort) {
                    ports.add(hexPort(f[1]));
                }
            }
        }
        return ports;
    }

    private static int hexPort(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }

    private static Object call(OutputStream out, InputStream in, String... args) throws IOException {
        out.write(command(args).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return read(in);
    }

    private static void expectOk(Object reply, String what) throws IOException {
        if (!"OK".equals(reply)) {
            throw new IOException(what + " answered " + reply);
        }
    }

    static String command(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return b.toString();
    }

    /** One RESP2 reply: a simple string, an integer or a bulk string; an error reply is thrown. */
    static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        return switch (type) {
            case '+' -> line;
            case ':' -> Long.parseLong(line);
            case '-' -> throw new IOException("Redis: " + line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] body = in.readNBytes(length + 2);
                if (body.length != length + 2) {
                    throw new IOException("Redis closed the connection in a reply");
                }
                yield new String(body, 0, length, StandardCharsets.UTF_8);
            }
            case -1 -> throw new IOException("Redis closed the connection");
            default -> throw new IOException("unexpected Redis reply type " + (char) type + line);
        };
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            b.append((char) c);
        }
        if (in.read() != '\n') {
            throw new IOException("a Redis line without \\n");
        }
        return b.toString();
    }
}
