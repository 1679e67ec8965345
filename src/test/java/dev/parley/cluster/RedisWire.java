package dev.parley.cluster;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A few Redis commands spoken in RESP over a plain socket, so a test can act on the Redis the nodes share (cut
 * their pub/sub connections) without a client library of its own.
 */
final class RedisWire implements AutoCloseable {
    private final int port;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RedisWire(URI redis) throws IOException {
        this.port = redis.getPort() < 0 ? 6379 : redis.getPort();
        this.socket = new Socket(redis.getHost(), port);
        socket.setSoTimeout(10_000);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Sends one command and returns its reply: a String, a Long, a List, or null; a Redis error is thrown. */
    Object call(String... args) throws IOException {
        StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply();
    }

    private Object reply() throws IOException {
        int kind = in.read();
        String line = line();
        return switch (kind) {
            case '+' -> line;
            case '-' -> throw new IOException("Redis answered " + line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                String bulk = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                line();
                yield bulk;
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(reply());
                }
                yield items;
            }
            default -> throw new IOException("not a RESP reply: " + (char) kind + line);
        };
    }

    private String line() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            if (b < 0) {
                throw new IOException("Redis closed the connection");
            }
            bytes.write(b);
        }
        in.read(); // '\n'
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The ids of the pub/sub connections these processes hold to this Redis. */
    List<String> pubSubOf(long... pids) throws IOException {
        return connectionsOf("pubsub", pids);
    }

    /** The ids of the connections of one type ({@code normal}, {@code pubsub}) these processes hold to this Redis. */
    List<String> connectionsOf(String type, long... pids) throws IOException {
        Set<Integer> ports = new HashSet<>();
        for (long pid : pids) {
            ports.addAll(localPortsToRedis(pid));
        }
        List<String> ids = new ArrayList<>();
        for (String client : ((String) call("CLIENT", "LIST", "TYPE", type)).split("\n")) {
            String id = field(client, "id");
            String addr = field(client, "addr");
            if (id != null && addr != null && ports.contains(Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1)))) {
                ids.add(id);
            }
        }
        return ids;
    }

    /**
     * Cuts every pub/sub connection these processes hold to this Redis ({@code CLIENT KILL}), as a Redis restart
     * or a network cut would, leaving other users of the shared Redis alone. Returns how many were cut.
     */
    int cutPubSubOf(long... pids) throws IOException {
        return kill(pubSubOf(pids));
    }

    /** Cuts every connection, of any kind, these processes hold to this Redis: what a Redis restart does to them. */
    int cutAllOf(long... pids) throws IOException {
        List<String> ids = new ArrayList<>(connectionsOf("normal", pids));
        ids.addAll(pubSubOf(pids));
        return kill(ids);
    }

    private int kill(List<String> ids) throws IOException {
        int cut = 0;
        for (String id : ids) {
            cut += ((Long) call("CLIENT", "KILL", "ID", id)).intValue();
        }
        return cut;
    }

    private static String field(String clientLine, String name) {
        for (String part : clientLine.trim().split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** The local ports of a process's TCP connections to this Redis port, from /proc (its socket inodes). */
    private Set<Integer> localPortsToRedis(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // the descriptor was closed while we listed them: not a connection to look at
                }
            }
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> rows = Files.readAllLines(file);
            for (String row : rows.subList(1, rows.size())) {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                String[] cols = row.trim().split("\\s+");
                String local = cols[1];
                String remote = cols[2];
                int remotePort = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
                if (remotePort == port && inodes.contains(cols[9])) {
                    ports.add(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
