package dev.parley.auth;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * SPEC §1 accounts, played as an attacker would (issue 9, point 4): names. The throttles are in
 * {@link ThrottleAttacksTest}.
 */
@QuarkusTest
class AccountAttacksTest {
    @Inject
    MeterRegistry metrics;

    private static String someAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private static ValidatableResponse login(String forwardedFor, String username, String password) {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", forwardedFor)
                .body(Map.of("username", username, "password", password)).post("/api/auth/login").then();
    }

    private static ValidatableResponse registerAs(String username) {
        return given().contentType(ContentType.JSON).body(Map.of("username", username, "password", "correct horse"))
                .post("/api/auth/register").then();
    }

    private double bcryptRuns() {
        return metrics.find("parley.auth.bcrypt").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void namesThatDifferOnlyInCaseCannotBothBeRegistered() {
        String name = unique("Case");
        registerAs(name).statusCode(201);
        registerAs(name.toLowerCase()).statusCode(409).body("code", equalTo("conflict"));
        registerAs(name.toUpperCase()).statusCode(409);
    }

    @Test
    void aLoginInAnyCaseReachesTheAccountAndTheTokenCarriesItsOwnSpelling() {
        String name = unique("Mixed");
        register(name);
        login(someAddress(), name.toLowerCase(), "correct horse").statusCode(200)
                .body("user.username", equalTo(name));
    }

    @Test
    void theAssistantsNameSystemAndAdminNamesCannotBeRegisteredInAnyCase() {
        for (String name : new String[] {"assistant", "Assistant", "SYSTEM", "system", "admin_root", "Admin_Root"}) {
            registerAs(name).statusCode(400).body("code", equalTo("bad_request")).body("error", containsString("reserved"));
        }
    }

    @Test
    void refusedRegistrationsNeverRunBcrypt() {
        String taken = unique("taken");
        register(taken);
        double before = bcryptRuns();
        registerAs("assistant").statusCode(400);
        registerAs(taken.toUpperCase()).statusCode(409);
        registerAs("x\u202Eevil").statusCode(400);
        assertThat(bcryptRuns()).isEqualTo(before);
    }

    @Test
    void disguisingCharactersInAUsernameAreRefusedByName() {
        for (String name : new String[] {"adm\u202Ein", "ali\u200Bce", "bob\u0000", "tab\tname", "rtl\u2067x", "bom\uFEFFx"}) {
            registerAs(name).statusCode(400).body("code", equalTo("bad_request"))
                    .body("error", containsString("control, bidirectional or invisible"));
        }
    }

    @Test
    void registrationAnswersTheUsersRoles() {
        registerAs(unique("roles")).statusCode(201).body("user.roles", contains("user"));
    }
}
