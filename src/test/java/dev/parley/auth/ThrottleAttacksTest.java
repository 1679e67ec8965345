package dev.parley.auth;

import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * SPEC §1 throttles, played as an attacker would (issue 9, points 4 and 8). The test profile trusts the loopback as
 * a proxy, so {@code X-Forwarded-For} stands for clients at different addresses; the limits here are low and their
 * windows long (one event back every 20 to 30 minutes) so a slow machine cannot refill a bucket during a test.
 */
@QuarkusTest
@TestProfile(ThrottleAttacksTest.LowLimits.class)
class ThrottleAttacksTest {
    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.auth.register-rate-limit", "3",
                    "parley.auth.ticket-rate-limit", "2",
                    "parley.auth.login-max-failures", "3",
                    "parley.auth.login-max-failures-per-address", "6",
                    "parley.auth.login-window", "1h");
        }
    }

    private static int octet() {
        return 1 + ThreadLocalRandom.current().nextInt(254);
    }

    private static String someAddress() {
        return "10." + octet() + "." + octet() + "." + octet();
    }

    private static ValidatableResponse registerFrom(String address) {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", address)
                .body(Map.of("username", unique("reg"), "password", "correct horse")).post("/api/auth/register").then();
    }

    /** A new account, registered from an address of its own (the registration limit here is 3 per address). */
    private static String registerUser(String username) {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", someAddress())
                .body(Map.of("username", username, "password", "correct horse")).post("/api/auth/register").then()
                .statusCode(201).extract().path("token");
    }

    private static ValidatableResponse login(String forwardedFor, String username, String password) {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", forwardedFor)
                .body(Map.of("username", username, "password", password)).post("/api/auth/login").then();
    }

    @Test
    void oneAddressRegistersAtMostTheLimitPerHourAndOthersAreNotAffected() {
        String address = someAddress();
        for (int i = 0; i < 3; i++) {
            registerFrom(address).statusCode(201);
        }
        registerFrom(address).statusCode(429).body("code", equalTo("rate_limited")).header("Retry-After", notNullValue());
        registerFrom(someAddress()).statusCode(201);
    }

    @Test
    void anIpv6ClientCountsByItsSlash64() {
        String net = "2001:db8:" + Integer.toHexString(octet()) + ":" + Integer.toHexString(octet()) + ":";
        for (int i = 0; i < 3; i++) {
            registerFrom(net + "0:0:0:" + (i + 1)).statusCode(201);
        }
        registerFrom(net + "abcd:0:0:99").statusCode(429);
    }

    @Test
    void failingOnPurposeFromElsewhereDoesNotLockTheOwnerOut() {
        String owner = unique("owner");
        registerUser(owner);
        String attacker = someAddress();
        for (int i = 0; i < 3; i++) {
            login(attacker, owner, "guess " + i).statusCode(401);
        }
        login(attacker, owner, "guess 6").statusCode(429).body("code", equalTo("rate_limited")).header("Retry-After", notNullValue());
        // even the right password is refused from the guessing address: guessing stays slow
        login(attacker, owner, "correct horse").statusCode(429);
        // the owner, from their own address, logs in
        login(someAddress(), owner, "correct horse").statusCode(200).body("user.username", equalTo(owner));
    }

    @Test
    void parallelGuessesCannotOutrunTheLimit() throws Exception {
        String owner = unique("par");
        registerUser(owner);
        String attacker = someAddress();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String guess = "parallel guess " + i;
                answers.add(pool.submit(() -> login(attacker, owner, guess).extract().statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            // three guesses per (username, address) reach the password check; the rest wait
            assertThat(statuses).containsOnly(401, 429);
            assertThat(statuses.stream().filter(s -> s == 401).count()).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneClientFailingBehindTheProxyDoesNotLockOutTheProxysOtherClients() {
        String guesser = someAddress();
        for (int i = 0; i < 6; i++) {
            login(guesser, unique("nobody"), "guess " + i).statusCode(401);
        }
        login(guesser, unique("nobody"), "guess").statusCode(429);
        String someoneElse = unique("else");
        registerUser(someoneElse);
        login(someAddress(), someoneElse, "correct horse").statusCode(200);
    }

    @Test
    void anAddressTheClientWritesIntoXForwardedForIsNotBelieved() {
        // the trusted proxy appends the address it saw; the client's own entries lie to the left of it
        String real = someAddress();
        for (int i = 0; i < 6; i++) {
            login(someAddress() + ", " + real, unique("nobody"), "guess " + i).statusCode(401);
        }
        login(someAddress() + ", " + real, unique("nobody"), "guess").statusCode(429);
    }

    @Test
    void aSuccessfulLoginForgetsThatAddresssFailuresForTheAccount() {
        String name = unique("forget");
        registerUser(name);
        String address = someAddress();
        for (int i = 0; i < 2; i++) {
            login(address, name, "typo " + i).statusCode(401);
        }
        login(address, name, "correct horse").statusCode(200);
        for (int i = 0; i < 2; i++) {
            login(address, name, "typo again " + i).statusCode(401);
        }
        login(address, name, "correct horse").statusCode(200);
    }

    @Test
    void ticketsAreThrottledPerUser() {
        String token = registerUser(unique("tix"));
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(token).post("/api/auth/ticket").then().statusCode(200);
        }
        given().auth().oauth2(token).post("/api/auth/ticket").then().statusCode(429)
                .body("code", equalTo("rate_limited")).header("Retry-After", notNullValue());
        // another user is not affected
        given().auth().oauth2(registerUser(unique("tix"))).post("/api/auth/ticket").then().statusCode(200);
    }
}
