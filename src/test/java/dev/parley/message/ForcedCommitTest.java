package dev.parley.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group commit is answered only once it is on the disk: on H2, which hands a commit to the operating system without
 * an fsync, forcing a commit runs {@code CHECKPOINT SYNC} on a real file database; PostgreSQL, which forces its log at
 * commit, gets nothing more; and an H2 user that may not force the file is refused at startup with what to change,
 * instead of every message failing later.
 */
class ForcedCommitTest {
    @TempDir
    Path dir;

    @Test
    void onH2ForcingACommitToDiskRunsCheckpointSyncOnTheRealFile() throws SQLException {
        try (Connection real = fileDatabase()) {
            List<String> calls = new ArrayList<>();
            Connection c = recording(real, calls, null);
            c.createStatement().execute("CREATE TABLE t (x INT)");
            c.commit();
            calls.clear();

            new MessageTable(true).forceToDisk(c, new DiskFailure());

            assertThat(calls).containsExactly("CHECKPOINT SYNC");
        }
    }

    @Test
    void withFsyncOffNothingIsForced() throws SQLException {
        try (Connection real = fileDatabase()) {
            List<String> calls = new ArrayList<>();

            new MessageTable(false).forceToDisk(recording(real, calls, null), new DiskFailure());

            assertThat(calls).isEmpty();
        }
    }

    @Test
    void onPostgreSqlNothingIsAddedToItsCommitWhichForcesItsLogItself() throws SQLException {
        try (Connection real = DriverManager.getConnection("jdbc:h2:mem:forced-commit", "", "")) {
            List<String> calls = new ArrayList<>();
            Connection c = recording(real, calls, "PostgreSQL");

            new MessageTable(true).forceToDisk(c, new DiskFailure());
            new MessageTable(true).checkFsync(c);

            assertThat(calls).isEmpty();
        }
    }

    @Test
    void anH2UserWithoutAdminRightsIsRefusedAtStartupWithWhatToChange() throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve("db");
        try (Connection creator = DriverManager.getConnection(url, "", "")) {
            creator.createStatement().execute("CREATE USER chat PASSWORD 'pw'");
            assertThatCode(() -> new MessageTable(true).checkFsync(creator)).doesNotThrowAnyException();
            try (Connection plain = DriverManager.getConnection(url, "chat", "pw")) {
                assertThatThrownBy(() -> new MessageTable(true).checkFsync(plain))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("admin")
                        .hasMessageContaining("DATABASE_FSYNC=false");
                assertThatCode(() -> new MessageTable(false).checkFsync(plain)).doesNotThrowAnyException();
            }
        }
    }

    /** A file H2 database in the test's folder, as Parley opens its own. */
    private Connection fileDatabase() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0", "", "");
        c.setAutoCommit(false);
        return c;
    }

    /**
     * {@code connection}, noting its commits and the SQL its plain statements execute in {@code calls}; reporting
     * {@code product} as the database's name when not null.
     */
    private static Connection recording(Connection connection, List<String> calls, String product) {
        return (Connection) Proxy.newProxyInstance(ForcedCommitTest.class.getClassLoader(), new Class<?>[] { Connection.class },
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "commit" -> calls.add("commit");
                        case "getMetaData" -> {
                            if (product != null) {
                                return metaData(product);
                            }
                        }
                        case "createStatement" -> {
                            Statement real = connection.createStatement();
                            return Proxy.newProxyInstance(ForcedCommitTest.class.getClassLoader(), new Class<?>[] { Statement.class },
                                    (p, m, a) -> {
                                        if (m.getName().equals("execute")) {
                                            calls.add((String) a[0]);
                                        }
                                        return invoke(real, m, a);
                                    });
                        }
                        default -> { }
                    }
                    return invoke(connection, method, args);
                });
    }

    private static DatabaseMetaData metaData(String product) {
        return (DatabaseMetaData) Proxy.newProxyInstance(ForcedCommitTest.class.getClassLoader(),
                new Class<?>[] { DatabaseMetaData.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getDatabaseProductName")) {
                        return product;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
