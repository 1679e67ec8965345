package dev.parley.auth;

import dev.parley.config.ParleyConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * The HMAC key that signs and verifies tokens. From {@code SECRET_KEY} when set (its SHA-256 is the key, so every
 * node that shares it agrees); otherwise generated once and kept in {@code <data-dir>/secret.key}. A secret shorter
 * than {@value #MIN_BYTES} bytes (an empty key file included) stops the server at start: such a key can be guessed,
 * and with it anyone can sign tokens. Created at start so a bad key never waits for the first login to show. The
 * data folder (key file, embedded database) is narrowed to its owner (0700) whenever it exists.
 */
@Startup
@Singleton
public class SigningKey {
    /** Fewest bytes of secret accepted (SPEC §1). */
    public static final int MIN_BYTES = 32;
    static final String FILE_NAME = "secret.key";
    private static final Logger LOG = Logger.getLogger(SigningKey.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private final SecretKey key;

    SigningKey(ParleyConfig config) {
        this.key = new SecretKeySpec(sha256(secret(config.auth().secretKey(), Path.of(config.dataDir()))), "HmacSHA256");
    }

    public SecretKey key() {
        return key;
    }

    /**
     * The secret: {@code SECRET_KEY} when given, else the key file in {@code dataDir} (made on first start).
     *
     * @throws ConfigurationException (printed by Quarkus as one line, and the start fails) for a short secret
     */
    static String secret(Optional<String> configured, Path dataDir) {
        if (Files.isDirectory(dataDir)) {
            try {
                restrictDataDir(dataDir);
            } catch (IOException e) {
                // a folder the operator made and owns otherwise: theirs to protect, but they are told
                LOG.warnf("Could not make the data folder %s owner-only (0700): %s", dataDir.toAbsolutePath(), e);
            }
        }
        if (configured.isPresent() && !configured.get().isEmpty()) {
            return requireLongEnough(configured.get(), "SECRET_KEY");
        }
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
        String secret = Files.exists(file) ? read(file) : create(file);
        return requireLongEnough(secret, "the key file " + file);
    }

    private static String requireLongEnough(String secret, String source) {
        int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < MIN_BYTES) {
            throw new ConfigurationException("Parley cannot start: " + source + " holds " + bytes
                    + " bytes; a JWT signing key needs at least " + MIN_BYTES + " (e.g. `openssl rand -base64 48`)");
        }
        return secret;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the signing key " + file, e);
        }
    }

    /** Writes a new random key: a temporary file created owner-only, then moved into place in one step. */
    private static String create(Path file) {
        byte[] bytes = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, ownerOnly(OWNER_ONLY_DIR));
            }
            restrictDataDir(dir);
            Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp", ownerOnly(OWNER_ONLY_FILE));
            try {
                Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            LOG.infof("Generated a new JWT signing key in %s (set SECRET_KEY to share one across nodes)", file);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the signing key " + file, e);
        }
    }

    /**
     * The data folder holds the key and the embedded database: only its owner may enter it. The embedded database may
     * have created it already (with the umask's permissions), so it is narrowed here too.
     */
    private static void restrictDataDir(Path dir) throws IOException {
        if (isPosix() && !Files.getPosixFilePermissions(dir).equals(OWNER_ONLY_DIR)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
        return isPosix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }

    private static boolean isPosix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
