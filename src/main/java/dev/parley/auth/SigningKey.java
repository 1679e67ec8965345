package dev.parley.auth;

import dev.parley.config.ParleyConfig;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * The HMAC key that signs and verifies tokens. From {@code SECRET_KEY} when set (its SHA-256 is the key, so any
 * string works and every node that shares it agrees); otherwise generated once and kept in
 * {@code <data-dir>/secret.key} (owner-only permissions).
 */
@Singleton
public class SigningKey {
    private static final Logger LOG = Logger.getLogger(SigningKey.class);
    private final SecretKey key;

    SigningKey(ParleyConfig config) {
        String secret = config.auth().secretKey().filter(s -> !s.isBlank())
                .orElseGet(() -> loadOrCreate(Path.of(config.dataDir(), "secret.key")));
        this.key = new SecretKeySpec(sha256(secret), "HmacSHA256");
    }

    public SecretKey key() {
        return key;
    }

    private static String loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            LOG.infof("Generated a new JWT signing key in %s (set SECRET_KEY to share one across nodes)", file.toAbsolutePath());
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the signing key " + file.toAbsolutePath(), e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
