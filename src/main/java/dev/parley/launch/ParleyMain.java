package dev.parley.launch;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Starts Parley on the database {@code DATABASE_URL} names, whichever database the distribution was built for.
 *
 * <p>Hibernate fixes the database kind when the application is augmented. The distribution is a Quarkus
 * {@code mutable-jar}: when the URL names the other database, this entry point re-augments it once for that database
 * (the {@link Distribution} records the kind it now holds) and then starts the rebuilt application in the same JVM.
 * Later starts on the same database start at once. When the rebuild cannot happen the start fails with one line that
 * names the fix. Outside a packaged mutable jar (dev mode, tests) it just starts Quarkus.
 *
 * <p>{@code -Dparley.rebuild-for=h2|postgresql} rebuilds for that database and exits, for images and read-only
 * installs that want the rebuild done before the first start.
 */
@QuarkusMain
public final class ParleyMain {
    static final String REBUILD_FOR = "parley.rebuild-for";

    private ParleyMain() {
    }

    public static void main(String... args) throws Throwable {
        Optional<Distribution> packaged = Distribution.ofClassPath(System.getProperty("java.class.path"));
        if (packaged.isEmpty()) {
            Quarkus.run(args);
            return;
        }
        Distribution distribution = packaged.get();
        Config config = ConfigProvider.getConfig();
        String rebuildOnly = System.getProperty(REBUILD_FOR);
        DatabaseKind wanted;
        if (rebuildOnly != null) {
            wanted = DatabaseKind.ofQuarkusName(rebuildOnly).orElseThrow(() -> fail(
                    "-D" + REBUILD_FOR + "=" + rebuildOnly + " is not a database Parley runs on: use h2 or postgresql"));
        } else {
            String url = config.getOptionalValue("quarkus.datasource.jdbc.url", String.class).orElse("");
            wanted = DatabaseKind.ofUrl(url).orElseThrow(() -> fail("DATABASE_URL " + DatabaseKind.scheme(url)
                    + "… is not a database Parley runs on: use jdbc:postgresql://host:5432/name,"
                    + " or leave DATABASE_URL unset for the embedded H2"));
        }
        DatabaseKind packagedDefault = DatabaseKind.ofQuarkusName(
                config.getOptionalValue("quarkus.datasource.db-kind", String.class).orElse("h2")).orElse(DatabaseKind.H2);
        boolean rebuilt;
        try {
            rebuilt = distribution.ensureBuiltFor(wanted, packagedDefault);
        } catch (Distribution.RebuildFailed e) {
            throw fail(e.getMessage());
        }
        if (rebuildOnly != null) {
            System.err.println("Parley: " + distribution.root() + " is built for " + wanted.quarkusName()
                    + (rebuilt ? " (rebuilt now)" : " (nothing to do)"));
            return;
        }
        if (rebuilt) {
            // this JVM loaded the previous build's classes: start the rebuilt application from a fresh class loader,
            // through the jar's own entry point (looked up by name: it exists only in the packaged jar, not in native)
            Class<?> entryPoint = Class.forName("io.quarkus.bootstrap.runner.QuarkusEntryPoint", true,
                    ClassLoader.getSystemClassLoader());
            MethodHandles.publicLookup().findStatic(entryPoint, "main", MethodType.methodType(void.class, String[].class))
                    .invoke(args);
        } else {
            Quarkus.run(args);
        }
    }

    /** Ends the start with one line on stderr and exit status 1, before Quarkus has started anything. */
    private static IllegalStateException fail(String line) {
        System.err.println("Parley cannot start: " + line);
        System.exit(1);
        return new IllegalStateException(line);
    }
}
