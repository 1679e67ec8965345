package dev.parley.launch;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.parley.durability.ServerProcess;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One packaged distribution serves H2 and PostgreSQL, the database chosen by {@code DATABASE_URL} at start: the
 * package (built for H2) starts on H2 as it is, and on PostgreSQL after rebuilding itself once for it.
 * Runs on a copy of {@code target/quarkus-app}, so the rebuild leaves the folder other tests use alone.
 */
class DatabaseAtStartIT {
    private static final String PG_URL = System.getProperty("parley.test.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String PG_USER = System.getProperty("parley.test.pg.user", "postgres");

    @Test
    void theSamePackageServesH2AndThenPostgresqlChosenByDatabaseUrl() throws Exception {
        assumeFalse(Boolean.getBoolean("skipPgTests"), "PostgreSQL tests are skipped (-DskipPgTests)");
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "db-at-start-");
        // a folder not named quarkus-app, as in the container image (/deployments): the rebuild must write into it
        Path app = ServerProcess.copyDistribution(Path.of("target", "quarkus-app").toAbsolutePath(), work.resolve("parley"));
        String user = "kind" + System.nanoTime() % 1_000_000;

        Files.createDirectories(work.resolve("h2"));
        try (ServerProcess h2 = new ServerProcess(app, work.resolve("h2"), Map.of()).start()) {
            registerAndLogIn(h2, user);
            assertThat(h2.output()).doesNotContain("rebuilding").contains("Database: jdbc:h2:");
        }

        Files.createDirectories(work.resolve("pg"));
        Map<String, String> pg = Map.of("DATABASE_URL", PG_URL, "DATABASE_USER", PG_USER);
        long started = System.nanoTime();
        try (ServerProcess postgres = new ServerProcess(app, work.resolve("pg"), pg)
                .startTimeout(Duration.ofMinutes(5)).start()) {
            System.out.printf("started on PostgreSQL, rebuild included, in %.1f s%n", (System.nanoTime() - started) / 1e9);
            assertThat(postgres.output()).contains("rebuilding it for postgresql").contains("rebuilt for postgresql")
                    .contains("Database: jdbc:postgresql:");
            registerAndLogIn(postgres, user); // the H2 account is not in PostgreSQL: registering again succeeds
            assertThat(usersNamedInPostgresql(user)).isEqualTo(1);
        }
        assertThat(Files.readString(app.resolve("parley-db-kind")).trim()).isEqualTo("postgresql");
    }

    @Test
    void aDatabaseUrlOfAnotherKindStopsTheStartWithOneLine() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString()))
                .redirectErrorStream(true);
        builder.environment().put("DATABASE_URL", "jdbc:mysql://db:3306/parley?password=hunter2");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output.strip().lines()).containsExactly("Parley cannot start: DATABASE_URL jdbc:mysql:… is not a"
                + " database Parley runs on: use jdbc:postgresql://host:5432/name, or leave DATABASE_URL unset for"
                + " the embedded H2");
    }

    private static void registerAndLogIn(ServerProcess server, String user) {
        String base = server.base().toString();
        given().baseUri(base).contentType(ContentType.JSON).body(Map.of("username", user, "password", "correct horse"))
                .post("/api/auth/register").then().statusCode(201);
        given().baseUri(base).contentType(ContentType.JSON).body(Map.of("username", user, "password", "correct horse"))
                .post("/api/auth/login").then().statusCode(200);
    }

    private static int usersNamedInPostgresql(String user) throws Exception {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "");
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM users WHERE username = ?")) {
            s.setString(1, user);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
