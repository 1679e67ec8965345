package dev.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §1: a guessable signing key stops the server at start; a generated one is private from its first byte. */
class SigningKeyTest {
    @TempDir
    Path tmp;

    @Test
    void aSecretKeyShorterThan32BytesStopsTheStartWithOneLine() {
        assertThatThrownBy(() -> SigningKey.secret(Optional.of("password123"), tmp))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SECRET_KEY")
                .hasMessageContaining("32")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        // 31 bytes (multi-byte characters count as their UTF-8 bytes)
        assertThatThrownBy(() -> SigningKey.secret(Optional.of("é".repeat(15) + "x"), tmp))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void aSecretKeyOf32BytesIsUsedAsGiven() {
        String secret = "k".repeat(32);
        assertThat(SigningKey.secret(Optional.of(secret), tmp)).isEqualTo(secret);
        assertThat(tmp.resolve(SigningKey.FILE_NAME)).doesNotExist();
    }

    @Test
    void anEmptyKeyFileStopsTheStartInsteadOfSigningWithTheHashOfNothing() throws Exception {
        Files.writeString(tmp.resolve(SigningKey.FILE_NAME), "\n");
        assertThatThrownBy(() -> SigningKey.secret(Optional.empty(), tmp))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(SigningKey.FILE_NAME)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aGeneratedKeyFileIsOwnerOnlyInAnOwnerOnlyFolderAndKeptAcrossStarts() throws Exception {
        Path dataDir = tmp.resolve("data");
        String first = SigningKey.secret(Optional.empty(), dataDir);

        Path file = dataDir.resolve(SigningKey.FILE_NAME);
        assertThat(first.getBytes()).hasSizeGreaterThanOrEqualTo(SigningKey.MIN_BYTES);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
        try (var left = Files.list(dataDir)) {
            assertThat(left).containsExactly(file);
        }
        assertThat(SigningKey.secret(Optional.empty(), dataDir)).isEqualTo(first);
    }

    @Test
    void aDataFolderMadeByTheDatabaseWithTheUmaskIsNarrowedToItsOwner() throws Exception {
        Path dataDir = Files.createDirectory(tmp.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        SigningKey.secret(Optional.empty(), dataDir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");

        // also when the key comes from SECRET_KEY: the folder still holds the embedded database
        Path h2Only = Files.createDirectory(tmp.resolve("h2"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        SigningKey.secret(Optional.of("k".repeat(32)), h2Only);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(h2Only))).isEqualTo("rwx------");
    }
}
