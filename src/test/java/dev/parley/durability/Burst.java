package dev.parley.durability;

import static io.restassured.RestAssured.given;

import dev.parley.support.WsClient;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A user who joins some rooms of a packaged server and pipelines {@code perRoom} messages into each (clientId
 * {@code room:i}) without waiting for acks, while the test does something to the server.
 */
public final class Burst {
    public final String token;
    public final WsClient client;
    private final CompletableFuture<Void> sending;

    private Burst(String token, WsClient client, CompletableFuture<Void> sending) {
        this.token = token;
        this.client = client;
        this.sending = sending;
    }

    public static Burst start(ServerProcess server, String user, List<String> rooms, int perRoom) {
        String token = given().baseUri(server.base().toString()).contentType(ContentType.JSON)
                .body(Map.of("username", user, "password", "correct horse")).post("/api/auth/register")
                .then().statusCode(201).extract().path("token");
        WsClient client = WsClient.bearer(server.base(), token);
        for (String room : rooms) {
            client.join(room);
        }
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < perRoom; i++) {
                    for (String room : rooms) {
                        client.send("type", "send_message", "room", room, "clientId", room + ":" + i, "text", "m" + i);
                    }
                }
            } catch (RuntimeException e) {
                // the server went away under us: what the tests do on purpose
            }
        });
        return new Burst(token, client, sending);
    }

    /** Waits until the sending loop ended (finished, or cut off by the server). */
    public void awaitSendingEnded() {
        sending.handle((ok, e) -> null).join();
    }
}
