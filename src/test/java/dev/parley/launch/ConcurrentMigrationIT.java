package dev.parley.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Several nodes started at once on an empty PostgreSQL all migrate it (SPEC §5, the compose file starts two nodes
 * together): Parley's own Flyway settings, two migrations released at the same instant, many rounds. With
 * {@code baseline-on-migrate} the second node failed in about one round in twelve ("Unable to baseline schema history
 * table"), so the rounds make a regression show.
 */
class ConcurrentMigrationIT {
    private static final String SERVER = System.getProperty("parley.test.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("parley.test.pg.user", "postgres");
    private static final String DATABASE = "test_migrations";
    private static final int ROUNDS = 30;

    @Test
    void twoNodesMigratingAnEmptyDatabaseAtOnceBothSucceed() throws Exception {
        assumeFalse(Boolean.getBoolean("skipPgTests"), "PostgreSQL tests are skipped (-DskipPgTests)");
        String url = database();
        Properties settings = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            settings.load(in);
        }
        boolean baselineOnMigrate = Boolean.parseBoolean(settings.getProperty("quarkus.flyway.baseline-on-migrate", "false"));
        List<String> failures = new ArrayList<>();
        try (ExecutorService nodes = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < ROUNDS; round++) {
                emptySchema(url);
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<?>> migrations = new ArrayList<>();
                for (int node = 0; node < 2; node++) {
                    migrations.add(nodes.submit(() -> {
                        Flyway flyway = Flyway.configure().dataSource(url, USER, "").locations("classpath:db/migration")
                                .baselineOnMigrate(baselineOnMigrate).load();
                        start.await();
                        return flyway.migrate();
                    }));
                }
                for (Future<?> migration : migrations) {
                    try {
                        migration.get();
                    } catch (ExecutionException e) {
                        failures.add("round " + round + ": " + e.getCause().getMessage().lines().findFirst().orElse(""));
                    }
                }
            }
        }
        assertThat(failures).as("migrations that failed when two nodes started together").isEmpty();
        var info = Flyway.configure().dataSource(url, USER, "").locations("classpath:db/migration").load().info();
        assertThat(info.pending()).as("migrations left undone").isEmpty();
        try (Connection c = DriverManager.getConnection(url, USER, ""); Statement s = c.createStatement()) {
            var applied = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success");
            applied.next();
            assertThat(applied.getInt(1)).as("each migration recorded once").isEqualTo(info.all().length);
        }
    }

    /** A database of its own on the test server, created when missing. */
    private static String database() throws SQLException {
        String base = SERVER.substring(0, SERVER.lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection(base + "postgres", USER, ""); Statement s = c.createStatement()) {
            if (!s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'").next()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        }
        return base + DATABASE;
    }

    private static void emptySchema(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, USER, ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }
}
