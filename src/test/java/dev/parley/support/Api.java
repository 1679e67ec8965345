package dev.parley.support;

import static io.restassured.RestAssured.given;

import dev.parley.auth.User;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.http.ContentType;
import java.time.Instant;
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

    /**
     * A token of {@code admin_root}, an admin in the test profile (ADMIN_USERS). Admin names cannot be registered
     * through the API, so the account is written into the database as an operator would create it.
     */
    public static String adminToken() {
        QuarkusTransaction.requiringNew().run(() -> {
            if (User.findByUsername("admin_root").isEmpty()) {
                User admin = new User();
                admin.username = "admin_root";
                admin.passwordHash = BcryptUtil.bcryptHash("correct horse");
                admin.createdAt = Instant.now();
                admin.persist();
            }
        });
        return given().contentType(ContentType.JSON).body(Map.of("username", "admin_root", "password", "correct horse"))
                .post("/api/auth/login").then().statusCode(200).extract().path("token");
    }

    public static String ticket(String token) {
        return given().auth().oauth2(token).post("/api/auth/ticket").then().statusCode(200).extract().path("ticket");
    }
}
