package dev.parley.launch;

import java.util.Locale;
import java.util.Optional;

/** The databases one Parley distribution can run on, told apart by the JDBC URL in {@code DATABASE_URL}. */
public enum DatabaseKind {
    H2("h2"),
    POSTGRESQL("postgresql");

    private final String quarkusName;

    DatabaseKind(String quarkusName) {
        this.quarkusName = quarkusName;
    }

    /** The value of {@code quarkus.datasource.db-kind} for this database. */
    public String quarkusName() {
        return quarkusName;
    }

    /** The kind a JDBC URL names; an unset URL means the embedded H2 default; empty for any other database. */
    public static Optional<DatabaseKind> ofUrl(String jdbcUrl) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            return Optional.of(H2);
        }
        String url = jdbcUrl.trim().toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:h2:")) {
            return Optional.of(H2);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return Optional.of(POSTGRESQL);
        }
        return Optional.empty();
    }

    /** The kind named by a {@code quarkus.datasource.db-kind} value; empty when it is none of ours. */
    public static Optional<DatabaseKind> ofQuarkusName(String name) {
        for (DatabaseKind kind : values()) {
            if (kind.quarkusName.equalsIgnoreCase(name.trim())) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** The URL up to its second colon ({@code jdbc:mysql:}), to name a URL in an error without its password. */
    static String scheme(String jdbcUrl) {
        String[] parts = jdbcUrl.trim().split(":", 3);
        return parts.length < 2 ? parts[0] : parts[0] + ":" + parts[1] + ":";
    }
}
