package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The REST calls the client makes (SPEC §1, §3), with the JDK's HTTP client. */
public final class Api {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final HttpClient http;
    private final URI base;
    private final ObjectMapper json;
    private volatile String token;
    /** The {@link ApiException#code()} of a call whose thread was interrupted while it waited (Ctrl-C in the chat). */
    static final String CANCELLED = "cancelled";

    public Api(HttpClient http, URI base, ObjectMapper json) {
        this.http = http;
        this.base = base;
        this.json = json;
    }

    /** A refusal by the server ({@code status}, and its {@code code} and message), or no answer at all (status 0). */
    public static final class ApiException extends Exception {
        private final int status;
        private final String code;

        public ApiException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    public String token() {
        return token;
    }

    /** Logs in (or registers first) and keeps the token for later calls. */
    public void authenticate(String user, String password, boolean register) throws ApiException {
        JsonNode answer = send("POST", register ? "api/auth/register" : "api/auth/login",
                Map.of("username", user, "password", password), null);
        token = answer.path("token").asText();
    }

    public JsonNode rooms() throws ApiException {
        return send("GET", "api/rooms", null, null);
    }

    public JsonNode createRoom(String name) throws ApiException {
        return send("POST", "api/rooms", Map.of("name", name), null);
    }

    public String export(String room, String format) throws ApiException {
        return text(HttpRequest.newBuilder(base.resolve("api/rooms/" + enc(room) + "/export?format=" + format)).GET());
    }

    public JsonNode importJsonl(String room, String jsonl) throws ApiException {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve("api/rooms/" + enc(room) + "/import?format=jsonl"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(jsonl, StandardCharsets.UTF_8));
        return parse(text(r));
    }

    private JsonNode send(String method, String path, Object body, String contentType) throws ApiException {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path));
        if (body == null) {
            r.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            try {
                r.header("Content-Type", contentType == null ? "application/json" : contentType)
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            } catch (IOException e) {
                throw new ApiException(0, "bad_request", "cannot encode the request: " + e.getMessage());
            }
        }
        return parse(text(r));
    }

    private JsonNode parse(String body) throws ApiException {
        try {
            return body.isEmpty() ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            throw new ApiException(0, "internal", "the server's answer is not JSON");
        }
    }

    private String text(HttpRequest.Builder r) throws ApiException {
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        r.timeout(TIMEOUT);
        HttpResponse<String> response;
        try {
            response = http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new ApiException(0, "unreachable", "cannot reach " + base + " (" + e.getClass().getSimpleName() + ")");
        } catch (IOException e) {
            throw new ApiException(0, "unreachable", "talking to " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, CANCELLED, "interrupted");
        }
        if (response.statusCode() >= 400) {
            String code = "http_" + response.statusCode();
            String message = "HTTP " + response.statusCode();
            try {
                JsonNode err = json.readTree(response.body());
                code = err.path("code").asText(code);
                message = err.path("error").asText(message);
            } catch (IOException | RuntimeException notJson) {
                // the status line says enough
            }
            throw new ApiException(response.statusCode(), code, message);
        }
        return response.body();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
