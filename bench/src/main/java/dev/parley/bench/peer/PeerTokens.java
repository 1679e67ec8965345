package dev.parley.bench.peer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential both peers check, so that "an authenticated connection" costs them a signature check as it costs
 * Parley a JWT check: {@code base64url(user) "." base64url(HMAC-SHA256(secret, user))}. The socket.io peer
 * (bench/socketio/server.js) verifies the same format.
 */
public final class PeerTokens {
    /** The secret both peers use unless {@code BENCH_SECRET} says otherwise. */
    public static final String DEFAULT_SECRET = "parley-bench-secret";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private final SecretKeySpec key;

    public PeerTokens(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String mint(String user) {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(name) + "." + ENCODER.encodeToString(sign(name));
    }

    /** The user a token stands for, or empty when it is malformed or its signature does not match. */
    public Optional<String> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        try {
            byte[] name = DECODER.decode(token.substring(0, dot));
            byte[] given = DECODER.decode(token.substring(dot + 1));
            return MessageDigest.isEqual(given, sign(name))
                    ? Optional.of(new String(name, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] sign(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
