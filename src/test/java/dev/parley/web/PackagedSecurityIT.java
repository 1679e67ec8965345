package dev.parley.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.durability.ServerProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged server: the page the browser loads is hardened (SPEC §3); a guessable key stops the start (SPEC §1). */
class PackagedSecurityIT {

    @Test
    void theServedWebClientPageCarriesTheSecurityHeaders() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "headers-");
        try (ServerProcess server = new ServerProcess(data, Map.of()).start()) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(server.base()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<div id=\"root\">");
            assertThat(page.headers().firstValue("Content-Security-Policy")).contains(SecurityHeaders.CONTENT_SECURITY_POLICY);
            assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        }
    }

    @Test
    void aShortSecretKeyStopsTheStartWithOneLine() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "shortkey-");
        ServerProcess server = new ServerProcess(data, Map.of("SECRET_KEY", "too-short"));
        try {
            assertThatThrownBy(server::start).hasMessageContaining("server exited");
        } finally {
            server.close();
        }
        String log = Files.readString(data.resolve("server.log"), StandardCharsets.UTF_8);
        assertThat(log).contains("Parley cannot start: SECRET_KEY holds 9 bytes; a JWT signing key needs at least 32");
        assertThat(log).doesNotContain("\tat ");
    }
}
