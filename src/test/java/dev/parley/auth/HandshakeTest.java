package dev.parley.auth;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.ticket;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletionException;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** SPEC §1: the WebSocket handshake is authenticated; every refusal gets an HTTP status and no upgrade. */
@QuarkusTest
class HandshakeTest {
    @TestHTTPResource("/")
    URI base;

    @Inject
    SigningKey signingKey;

    private int refusal(String pathAndQuery, Map<String, String> headers) {
        Throwable t = catchThrowable(() -> WsClient.connect(base, pathAndQuery, headers));
        assertThat(t).as("handshake must be refused").isNotNull();
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        assertThat(cause).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) cause).getResponse().statusCode();
    }

    private int refusalWithToken(String token) {
        return refusal("/ws", Map.of("Authorization", "Bearer " + token));
    }

    @Test
    void aHandshakeWithoutCredentialsIsRefusedWith401() {
        assertThat(refusal("/ws", Map.of())).isEqualTo(401);
    }

    @Test
    void aTokenWithAForgedSignatureIsRefused() {
        String forged = Jwt.issuer("parley").upn(unique("eve")).groups("user").expiresIn(600)
                .jws().algorithm(SignatureAlgorithm.HS256)
                .sign(new SecretKeySpec("not-the-servers-key-not-the-servers-key".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(refusalWithToken(forged)).isEqualTo(401);
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefused() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long exp = Instant.now().plusSeconds(600).getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"parley\",\"upn\":\"mallory\",\"groups\":[\"admin\"],\"exp\":" + exp + "}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(refusalWithToken(header + "." + claims + ".")).isEqualTo(401);
    }

    @Test
    void anExpiredTokenIsRefused() {
        String expired = Jwt.issuer("parley").upn(unique("old")).groups("user")
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(60))
                .jws().algorithm(SignatureAlgorithm.HS256).sign(signingKey.key());
        assertThat(refusalWithToken(expired)).isEqualTo(401);
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() {
        String foreign = Jwt.issuer("someone-else").upn(unique("bob")).groups("user").expiresIn(600)
                .jws().algorithm(SignatureAlgorithm.HS256).sign(signingKey.key());
        assertThat(refusalWithToken(foreign)).isEqualTo(401);
    }

    @Test
    void aTicketWorksOnceAndIsRefusedTheSecondTime() {
        String token = register(unique("tess"));
        String ticket = ticket(token);
        try (WsClient first = WsClient.ticket(base, ticket)) {
            first.sync();
        }
        assertThat(refusal("/ws?ticket=" + ticket, Map.of())).isEqualTo(401);
        assertThat(refusal("/ws?ticket=made-up", Map.of())).isEqualTo(401);
    }

    @Test
    void aBrowserHandshakeFromAForeignOriginIsRefusedWith403() {
        String token = register(unique("olga"));
        assertThat(refusal("/ws", Map.of("Authorization", "Bearer " + token, "Origin", "https://evil.example.com")))
                .isEqualTo(403);
    }

    @Test
    void theServersOwnOriginAndConfiguredOriginsAreAccepted() {
        String token = register(unique("otto"));
        String own = "http://" + base.getHost() + ":" + base.getPort();
        try (WsClient ownOrigin = WsClient.connect(base, "/ws", Map.of("Authorization", "Bearer " + token, "Origin", own));
                WsClient listed = WsClient.connect(base, "/ws",
                        Map.of("Authorization", "Bearer " + token, "Origin", "https://chat.example.org"))) {
            ownOrigin.sync();
            listed.sync();
        }
    }

    @Test
    void aConnectionIsClosedWith1008WhenItsTokenExpires() {
        String user = unique("short");
        register(user);
        String shortLived = Jwt.issuer("parley").upn(user).groups("user").expiresIn(2)
                .jws().algorithm(SignatureAlgorithm.HS256).sign(signingKey.key());
        try (WsClient client = WsClient.bearer(base, shortLived)) {
            client.sync();
            assertThat(client.awaitClose()[0]).isEqualTo(1008);
        }
    }
}
