package dev.parley.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;

/** REST helpers for tests: unique names, registering users. */
public final class Api {
    private Api() {
    }

    public static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** Registers a fresh user and returns their token. */
    public static String register(String username) {
        return given().contentType(ContentType.JSON).body(Map.of("username", username, "password", "correct horse"))
                .post("/api/auth/register").then().statusCode(201).extract().path("token");
    }

    public static String ticket(String token) {
        return given().auth().oauth2(token).post("/api/auth/ticket").then().statusCode(200).extract().path("ticket");
    }
}
