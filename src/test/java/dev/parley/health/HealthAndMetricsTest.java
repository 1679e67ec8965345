package dev.parley.health;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** SPEC §3 health and metrics. */
@QuarkusTest
class HealthAndMetricsTest {
    @TestHTTPResource("/")
    URI base;

    @Test
    void readinessReportsTheDatabaseAndRedis() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Database connections health check", "redis"))
                .body("checks.find { it.name == 'redis' }.data.state", equalTo("connected"));
    }

    @Test
    void prometheusMetricsCountConnectionsMessagesAndDeliveryLatency() {
        String room = unique("r");
        try (WsClient c = WsClient.bearer(base, register(unique("m")))) {
            c.join(room);
            c.say(room, "m1", "measure me");
            given().get("/q/metrics").then().statusCode(200)
                    .body(containsString("parley_connections"))
                    .body(containsString("parley_rooms_joined"))
                    .body(containsString("parley_messages_stored_total"))
                    .body(containsString("parley_delivery_latency_seconds_bucket"))
                    .body(containsString("parley_messages_commit_seconds_count"));
        }
    }
}
