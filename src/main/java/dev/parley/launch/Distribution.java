package dev.parley.launch;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A packaged Parley ({@code quarkus-app/}, a Quarkus mutable jar) and the database kind it is augmented for.
 *
 * <p>The kind is recorded in {@code parley-db-kind} by each rebuild (next to {@code quarkus-run.jar}; the rebuild
 * rewrites {@code quarkus/}); without that file the distribution holds the kind it was packaged with. The file says
 * {@code incomplete} while a rebuild runs, so a rebuild cut short is redone at the next start. Rebuilds run Quarkus's own re-augmentation ({@code -Dquarkus.launch.rebuild=true})
 * in a child JVM under a file lock, so two processes starting from one folder do not rebuild it at once.
 */
final class Distribution {
    private static final String RUNNER = "quarkus-run.jar";
    private final Path root;

    private Distribution(Path root) {
        this.root = root;
    }

    /** The distribution this JVM runs from, when it was started as {@code java -jar …/quarkus-run.jar} of a mutable jar. */
    static Optional<Distribution> ofClassPath(String classPath) {
        if (classPath == null || classPath.contains(File.pathSeparator) || !classPath.endsWith(RUNNER)) {
            return Optional.empty();
        }
        Path root = Path.of(classPath).toAbsolutePath().getParent();
        if (root == null || !Files.exists(root.resolve("lib/deployment/deployment-class-path.dat"))) {
            return Optional.empty();
        }
        return Optional.of(new Distribution(root));
    }

    Path root() {
        return root;
    }

    private Path marker() {
        return root.resolve("parley-db-kind");
    }

    /** The kind the application in this folder is augmented for; empty when a rebuild was cut short. */
    Optional<DatabaseKind> builtFor(DatabaseKind packaged) throws IOException {
        if (!Files.exists(marker())) {
            return Optional.of(packaged);
        }
        return DatabaseKind.ofQuarkusName(Files.readString(marker(), StandardCharsets.UTF_8));
    }

    /**
     * Re-augments the distribution for {@code wanted} unless it already is; true when it rebuilt.
     *
     * @throws RebuildFailed with the one line an operator needs, when the folder cannot be rebuilt
     */
    boolean ensureBuiltFor(DatabaseKind wanted, DatabaseKind packaged) throws RebuildFailed {
        try {
            Optional<DatabaseKind> built = builtFor(packaged);
            if (built.equals(Optional.of(wanted))) {
                return false;
            }
            if (!Files.isWritable(root) || !Files.isWritable(root.resolve("quarkus"))) {
                throw new RebuildFailed(root + " is built for " + built.map(DatabaseKind::quarkusName).orElse("neither")
                        + " database and the database"
                        + " URL is " + wanted.quarkusName() + ", but the folder is read-only: rebuild it once where it"
                        + " can be written with `java -D" + ParleyMain.REBUILD_FOR + "=" + wanted.quarkusName()
                        + " -jar " + root.resolve(RUNNER) + "`");
            }
            try (FileChannel channel = FileChannel.open(root.resolve("parley-rebuild.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                Optional<DatabaseKind> current = builtFor(packaged);
                if (current.equals(Optional.of(wanted))) {
                    return false; // another process rebuilt it while we waited for the lock
                }
                rebuild(current.map(DatabaseKind::quarkusName).orElse("an interrupted rebuild"), wanted);
                return true;
            }
        } catch (IOException e) {
            throw new RebuildFailed("could not rebuild " + root + " for " + wanted.quarkusName() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RebuildFailed("interrupted while rebuilding " + root + " for " + wanted.quarkusName());
        }
    }

    private void rebuild(String from, DatabaseKind to) throws IOException, InterruptedException, RebuildFailed {
        Path log = root.resolve("parley-rebuild.log");
        System.err.printf(Locale.ROOT, "Parley: %s is built for %s and the database URL is %s: rebuilding it for %s"
                + " (once; output in %s)%n", root, from, to.quarkusName(), to.quarkusName(), log);
        record("incomplete");
        long started = System.nanoTime();
        // the rebuild writes to <parent>/<output-directory> (default quarkus-app): name this folder, whatever it is
        // called (/deployments in the container image)
        Process process = new ProcessBuilder(List.of(javaBinary(), "-Dquarkus.launch.rebuild=true",
                "-Dquarkus.package.output-directory=" + root.getFileName(),
                "-Dquarkus.datasource.db-kind=" + to.quarkusName(), "-jar", root.resolve(RUNNER).toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int status = process.waitFor();
        if (status != 0) {
            throw new RebuildFailed("rebuilding " + root + " for " + to.quarkusName() + " failed (exit status "
                    + status + "); the reason is in " + log);
        }
        record(to.quarkusName());
        System.err.printf(Locale.ROOT, "Parley: rebuilt for %s in %.1f s; later starts on %s start at once%n",
                to.quarkusName(), (System.nanoTime() - started) / 1e9, to.quarkusName());
    }

    private void record(String kind) throws IOException {
        Path next = root.resolve("parley-db-kind.next");
        Files.writeString(next, kind + "\n", StandardCharsets.UTF_8);
        Files.move(next, marker(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The java binary of this JVM, so the rebuild runs on the same Java. */
    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A rebuild that could not happen; the message is the one line shown to the operator. */
    static final class RebuildFailed extends Exception {
        RebuildFailed(String line) {
            super(line);
        }
    }
}
