package dev.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/**
 * {@code V3__username_case_insensitive.sql} on a database that already holds accounts differing only in case (made
 * before names became case-insensitive): the migration succeeds, the oldest keeps the name's key, and afterwards the
 * database itself refuses a second spelling. Runs on H2, and on PostgreSQL too when the suite's second pass gives it
 * one ({@code DATABASE_URL}).
 */
class UsernameMigrationTest {

    @Test
    void existingCaseTwinsSurviveTheMigrationAndNewOnesAreRefused() throws SQLException {
        String url = System.getProperty("DATABASE_URL", "");
        if (url.startsWith("jdbc:postgresql:")) {
            String schema = "mig_" + UUID.randomUUID().toString().replace("-", "");
            String user = System.getProperty("DATABASE_USER", "postgres");
            try (Connection c = DriverManager.getConnection(url, user, "")) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
                try {
                    migrateWithTwins(url, user, schema);
                } finally {
                    c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        } else {
            migrateWithTwins("jdbc:h2:mem:mig" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", null);
        }
    }

    private static void migrateWithTwins(String url, String user, String schema) throws SQLException {
        var config = Flyway.configure().dataSource(url, user, "").locations("classpath:db/migration");
        if (schema != null) {
            config.schemas(schema).defaultSchema(schema);
        }
        config.target(MigrationVersion.fromVersion("2")).load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            if (schema != null) {
                s.execute("SET search_path TO " + schema);
            }
            s.execute("INSERT INTO users (id, username, password_hash, created_at) VALUES (1, 'Alice', 'h', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO users (id, username, password_hash, created_at) VALUES (2, 'alice', 'h', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO users (id, username, password_hash, created_at) VALUES (3, 'Bob', 'h', CURRENT_TIMESTAMP)");
        }
        config.target(MigrationVersion.fromVersion("3")).load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            if (schema != null) {
                s.execute("SET search_path TO " + schema);
            }
            Map<String, String> keys = new LinkedHashMap<>();
            try (ResultSet r = s.executeQuery("SELECT username, username_key FROM users ORDER BY id")) {
                while (r.next()) {
                    keys.put(r.getString(1), r.getString(2));
                }
            }
            assertThat(keys).containsExactly(Map.entry("Alice", "alice"), Map.entry("alice", "alice#2"), Map.entry("Bob", "bob"));
            assertThatThrownBy(() -> s.execute(
                    "INSERT INTO users (id, username, password_hash, created_at, username_key) VALUES (4, 'BOB', 'h', CURRENT_TIMESTAMP, 'bob')"))
                    .isInstanceOf(SQLException.class);
        }
    }
}
