package dev.parley.auth;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §1 identity over REST. */
@QuarkusTest
class AuthResourceTest {

    private static io.restassured.response.ValidatableResponse post(String path, Object body) {
        return given().contentType(ContentType.JSON).body(body).post(path).then();
    }

    @Test
    void registeringReturnsATokenAndTheUser() {
        String name = unique("reg");
        post("/api/auth/register", Map.of("username", name, "password", "long enough"))
                .statusCode(201)
                .body("token", notNullValue())
                .body("expiresAt", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"))
                .body("user.username", equalTo(name))
                .body("user.roles", contains("user"));
    }

    @Test
    void aTakenUsernameIsRefusedWith409() {
        String name = unique("dup");
        register(name);
        post("/api/auth/register", Map.of("username", name, "password", "another one"))
                .statusCode(409).body("code", equalTo("conflict")).body("error", notNullValue());
    }

    @Test
    void invalidRegistrationsAreRefusedWith400() {
        post("/api/auth/register", Map.of("username", "ab", "password", "long enough")).statusCode(400).body("code", equalTo("bad_request"));
        post("/api/auth/register", Map.of("username", "has space", "password", "long enough")).statusCode(400);
        post("/api/auth/register", Map.of("username", unique("u"), "password", "short")).statusCode(400);
        given().contentType(ContentType.JSON).body("{not json").post("/api/auth/register").then().statusCode(400)
                .body("code", equalTo("bad_request"));
    }

    @Test
    void loginWithTheRightPasswordReturnsATokenThatOpensTheApi() {
        String name = unique("log");
        register(name);
        String token = post("/api/auth/login", Map.of("username", name, "password", "correct horse"))
                .statusCode(200).body("user.username", equalTo(name)).extract().path("token");
        given().auth().oauth2(token).get("/api/rooms").then().statusCode(200);
    }

    @Test
    void aWrongPasswordGets401WithTheSpecBody() {
        String name = unique("bad");
        register(name);
        post("/api/auth/login", Map.of("username", name, "password", "wrong password"))
                .statusCode(401).body("error", equalTo("invalid credentials")).body("code", equalTo("unauthorized"));
        post("/api/auth/login", Map.of("username", unique("nobody"), "password", "whatever!"))
                .statusCode(401).body("code", equalTo("unauthorized"));
    }

    @Test
    void repeatedFailedLoginsAreThrottled() {
        String name = unique("brute");
        register(name);
        for (int i = 0; i < 5; i++) {
            post("/api/auth/login", Map.of("username", name, "password", "guess " + i)).statusCode(401);
        }
        post("/api/auth/login", Map.of("username", name, "password", "correct horse"))
                .statusCode(429).body("code", equalTo("rate_limited")).header("Retry-After", notNullValue());
    }

    @Test
    void theApiNeedsABearerToken() {
        given().get("/api/rooms").then().statusCode(401).body("code", equalTo("unauthorized"));
        given().auth().oauth2("garbage").get("/api/rooms").then().statusCode(401);
        given().post("/api/auth/ticket").then().statusCode(401);
    }

    @Test
    void aTicketIsIssuedToAnAuthenticatedCaller() {
        String token = register(unique("tick"));
        given().auth().oauth2(token).post("/api/auth/ticket").then().statusCode(200)
                .body("ticket.length()", greaterThan(20)).body("expiresAt", notNullValue());
    }
}
