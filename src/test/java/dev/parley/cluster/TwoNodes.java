package dev.parley.cluster;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.parley.assistant.standin.OllamaStandIn;
import dev.parley.durability.ServerProcess;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Two packaged Parley nodes, {@link #a} and {@link #b}, that make one cluster (SPEC §5): the same PostgreSQL
 * database (its schema wiped first, so Flyway migrates from scratch), the same Redis, the same {@code SECRET_KEY},
 * and a pub/sub channel ({@code CLUSTER_CHANNEL}) of their own, so runs do not mix. Both point at one Ollama
 * stand-in ({@link #ollama}). Started once per test class; tests use fresh users and rooms.
 */
final class TwoNodes implements AutoCloseable {
    static final String PG_URL = System.getProperty("parley.test.nodes.pg.url", "jdbc:postgresql://127.0.0.1:5432/test_nodes");
    static final String PG_USER = System.getProperty("parley.test.pg.user", "postgres");
    static final String REDIS_URL = System.getProperty("parley.test.redis.url", "redis://127.0.0.1:6379");
    /** The distribution's rebuild for PostgreSQL takes this long at most. */
    private static final Duration REBUILD = Duration.ofMinutes(5);
    /** A node's start on a busy machine (two starting side by side) takes this long at most. */
    private static final Duration NODE_START = Duration.ofMinutes(2);
    private static final Path ROOT = Path.of("target", "cluster-nodes").toAbsolutePath();

    final ServerProcess a;
    final ServerProcess b;
    final OllamaStandIn ollama;
    private final Map<String, String> env;
    private final Path distribution;

    private TwoNodes(Path distribution, Map<String, String> env, OllamaStandIn ollama) throws IOException {
        this.distribution = distribution;
        this.env = env;
        this.ollama = ollama;
        this.a = new ServerProcess(distribution, dataDir("node-a-"), env).startTimeout(NODE_START);
        this.b = new ServerProcess(distribution, dataDir("node-b-"), env).startTimeout(NODE_START);
    }

    /** Wipes the database, then starts both nodes. */
    static TwoNodes start(Class<?> testClass) throws Exception {
        assumeFalse(Boolean.getBoolean("skipPgTests"), "PostgreSQL tests are skipped (-DskipPgTests)");
        wipeDatabase();
        OllamaStandIn ollama = new OllamaStandIn();
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", PG_URL);
        env.put("DATABASE_USER", PG_USER);
        env.put("SECRET_KEY", "cluster-test-key-" + UUID.randomUUID());
        env.put("REDIS_URL", REDIS_URL);
        env.put("CLUSTER_CHANNEL", "parley:bus:" + testClass.getSimpleName() + ":" + UUID.randomUUID().toString().substring(0, 8));
        env.put("OLLAMA_BASE_URL", ollama.baseUrl());
        env.put("LLM_MODEL", "ollama/llama3.2");
        env.put("LLM_RATE_LIMIT", "0");
        env.put("LLM_MAX_RETRIES", "0"); // a provider error ends the turn at once (no retry, no fallback)
        TwoNodes nodes = new TwoNodes(postgresDistribution(), env, ollama);
        try {
            // the distribution is rebuilt already: both nodes start side by side
            CompletableFuture<ServerProcess> b = CompletableFuture.supplyAsync(() -> {
                try {
                    return nodes.b.start();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            nodes.a.start();
            b.join();
        } catch (RuntimeException | IOException e) {
            nodes.close();
            throw e;
        }
        return nodes;
    }

    /**
     * Starts one more node of this cluster (same database, key and channel) with some settings changed; the caller
     * closes it.
     */
    ServerProcess node(String name, Map<String, String> changed) throws IOException {
        Map<String, String> settings = new HashMap<>(env);
        settings.putAll(changed);
        return new ServerProcess(distribution, dataDir(name + "-"), settings).startTimeout(NODE_START).start();
    }

    /** Registers a user through a node and returns their token (valid on every node: the key is shared). */
    static String register(ServerProcess node, String username) {
        return given().baseUri(node.base().toString()).contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", "correct horse"))
                .post("/api/auth/register").then().statusCode(201).extract().path("token");
    }

    /** A REST request to a node as the token's user. */
    static RequestSpecification as(ServerProcess node, String token) {
        return given().baseUri(node.base().toString()).auth().oauth2(token).contentType(ContentType.JSON);
    }

    @Override
    public void close() throws InterruptedException {
        try (ollama) {
            a.close();
            b.close();
        }
    }

    private static Path dataDir(String prefix) throws IOException {
        Files.createDirectories(ROOT);
        return Files.createTempDirectory(ROOT, prefix);
    }

    /** Creates the nodes' database when the server lacks it (a fresh machine has only {@code test}), or empties it. */
    private static void wipeDatabase() throws SQLException {
        String name = PG_URL.substring(PG_URL.lastIndexOf('/') + 1).replaceAll("[?].*", "");
        String server = PG_URL.substring(0, PG_URL.lastIndexOf('/') + 1) + "postgres";
        try (Connection c = DriverManager.getConnection(server, PG_USER, ""); Statement s = c.createStatement()) {
            var found = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'");
            if (!found.next()) {
                s.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
            }
        }
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }

    /**
     * A copy of {@code target/quarkus-app} rebuilt for PostgreSQL, so {@code target/quarkus-app} stays as the other
     * tests expect it. Kept between runs while the package it was copied from is the same (a fingerprint of its
     * files), since the rebuild takes a while.
     */
    private static synchronized Path postgresDistribution() throws IOException, InterruptedException {
        Path source = Path.of("target", "quarkus-app").toAbsolutePath();
        if (!Files.exists(source.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException("package the server first: " + source.resolve("quarkus-run.jar") + " is missing");
        }
        Path copy = ROOT.resolve("parley");
        Path stamp = ROOT.resolve("parley.source");
        String fingerprint = fingerprint(source);
        if (Files.exists(stamp) && Files.readString(stamp).equals(fingerprint)
                && Files.exists(copy.resolve("parley-db-kind"))
                && Files.readString(copy.resolve("parley-db-kind")).trim().equals("postgresql")) {
            return copy;
        }
        deleteTree(copy);
        Files.deleteIfExists(stamp);
        Files.createDirectories(ROOT);
        ServerProcess.copyDistribution(source, copy);
        // rebuild once, before any node starts: nodes then start at once, and a failed rebuild says so here
        Path log = ROOT.resolve("rebuild.log");
        Process rebuild = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Dparley.rebuild-for=postgresql", "-jar", copy.resolve("quarkus-run.jar").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!rebuild.waitFor(REBUILD.toSeconds(), TimeUnit.SECONDS) || rebuild.exitValue() != 0) {
            rebuild.destroyForcibly();
            throw new IllegalStateException("rebuilding " + copy + " for PostgreSQL failed; see " + log);
        }
        Files.writeString(stamp, fingerprint);
        return copy;
    }

    /** Names, sizes and modification times of the packaged application's files. */
    private static String fingerprint(Path distribution) throws IOException {
        try (Stream<Path> files = Files.walk(distribution)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<Path> sorted = new ArrayList<>(files.filter(Files::isRegularFile).sorted().toList());
            for (Path f : sorted) {
                String line = distribution.relativize(f) + " " + Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis() + "\n";
                digest.update(line.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
