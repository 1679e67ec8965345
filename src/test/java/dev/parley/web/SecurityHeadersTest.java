package dev.parley.web;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** SPEC §3: the browser hardening headers are on every kind of answer, not only on the happy paths. */
@QuarkusTest
class SecurityHeadersTest {
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'";

    private static void hardened(ValidatableResponse response) {
        response.header("Content-Security-Policy", equalTo(CSP))
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .header("Referrer-Policy", equalTo("no-referrer"));
    }

    @Test
    void anApiAnswerCarriesTheSecurityHeaders() {
        String token = register(unique("hdr"));
        hardened(given().auth().oauth2(token).get("/api/rooms").then().statusCode(200));
    }

    @Test
    void theWebClientPathCarriesTheSecurityHeaders() {
        // Quinoa does not serve the built client in @QuarkusTest (404 here); PackagedServerSecurityIT checks the
        // page itself on the packaged server
        hardened(given().get("/").then());
        hardened(given().get("/index.html").then());
    }

    @Test
    void refusalsAndErrorsCarryTheSecurityHeadersToo() {
        hardened(given().get("/api/rooms").then().statusCode(401));
        hardened(given().get("/ws").then().statusCode(401));
        hardened(given().auth().oauth2(register(unique("hdr"))).get("/api/rooms/no-such-room").then().statusCode(404));
        hardened(given().get("/q/health/live").then().statusCode(200));
    }
}
