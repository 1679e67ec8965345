package dev.parley.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the launcher tells databases apart and what a distribution says it is built for. */
class DistributionTest {

    @Test
    void theDatabaseKindComesFromTheJdbcUrlAndAnUnsetUrlMeansTheEmbeddedH2() {
        assertThat(DatabaseKind.ofUrl(null)).contains(DatabaseKind.H2);
        assertThat(DatabaseKind.ofUrl(" ")).contains(DatabaseKind.H2);
        assertThat(DatabaseKind.ofUrl("jdbc:h2:file:./data/parley;WRITE_DELAY=0")).contains(DatabaseKind.H2);
        assertThat(DatabaseKind.ofUrl("JDBC:PostgreSQL://db:5432/parley")).contains(DatabaseKind.POSTGRESQL);
        assertThat(DatabaseKind.ofUrl("jdbc:mysql://db/parley")).isEmpty();
        assertThat(DatabaseKind.ofUrl("postgresql://db/parley")).isEmpty();
    }

    @Test
    void anUnsupportedUrlIsNamedWithoutItsCredentials() {
        assertThat(DatabaseKind.scheme("jdbc:mysql://root:hunter2@db/parley?password=x")).isEqualTo("jdbc:mysql:");
    }

    @Test
    void onlyAJavaMinusJarStartOfAMutableJarIsADistribution(@TempDir Path dir) throws Exception {
        Path runner = fakeDistribution(dir).resolve("quarkus-run.jar");
        assertThat(Distribution.ofClassPath(runner.toString())).isPresent();
        assertThat(Distribution.ofClassPath(runner + ":" + dir.resolve("other.jar"))).isEmpty();
        assertThat(Distribution.ofClassPath(dir.resolve("target/classes").toString())).isEmpty();
        Files.delete(dir.resolve("lib/deployment/deployment-class-path.dat")); // a fast-jar: cannot be rebuilt
        assertThat(Distribution.ofClassPath(runner.toString())).isEmpty();
    }

    @Test
    void theRecordedKindWinsOverThePackagedOneAndAnInterruptedRebuildIsNoKind(@TempDir Path dir) throws Exception {
        Distribution distribution = Distribution.ofClassPath(fakeDistribution(dir).resolve("quarkus-run.jar").toString())
                .orElseThrow();
        assertThat(distribution.builtFor(DatabaseKind.H2)).contains(DatabaseKind.H2);
        Files.writeString(dir.resolve("parley-db-kind"), "postgresql\n");
        assertThat(distribution.builtFor(DatabaseKind.H2)).contains(DatabaseKind.POSTGRESQL);
        Files.writeString(dir.resolve("parley-db-kind"), "incomplete\n");
        assertThat(distribution.builtFor(DatabaseKind.H2)).isEmpty();
    }

    @Test
    void aDistributionBuiltForTheWantedDatabaseStartsWithoutRebuilding(@TempDir Path dir) throws Exception {
        Distribution distribution = Distribution.ofClassPath(fakeDistribution(dir).resolve("quarkus-run.jar").toString())
                .orElseThrow();
        assertThat(distribution.ensureBuiltFor(DatabaseKind.H2, DatabaseKind.H2)).isFalse();
        assertThat(dir.resolve("parley-rebuild.log")).doesNotExist();
    }

    private static Path fakeDistribution(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("lib/deployment"));
        Files.createDirectories(dir.resolve("quarkus"));
        Files.writeString(dir.resolve("lib/deployment/deployment-class-path.dat"), "");
        Files.writeString(dir.resolve("quarkus-run.jar"), "");
        return dir;
    }
}
