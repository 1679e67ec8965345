package dev.parley.health;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
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
    void prometheusMetricsMoveWithConnectionsJoinsMessagesAndDeliveries() {
        String room = unique("r");
        String before = given().get("/q/metrics").then().statusCode(200).extract().asString();
        try (WsClient c = WsClient.bearer(base, register(unique("m")))) {
            c.join(room);
            c.say(room, "m1", "measure me");
            c.say(room, "m2", "and me");
            String after = given().get("/q/metrics").then().statusCode(200).extract().asString();
            // gauges: at least this test's connection and subscription (earlier tests' sockets may still be closing)
            assertThat(value(after, "parley_connections")).isGreaterThanOrEqualTo(1);
            assertThat(value(after, "parley_rooms_joined")).isGreaterThanOrEqualTo(1);
            // counters: moved by at least this test's two messages
            assertThat(value(after, "parley_messages_stored_total"))
                    .isGreaterThanOrEqualTo(value(before, "parley_messages_stored_total") + 2);
            assertThat(value(after, "parley_delivery_latency_seconds_count"))
                    .isGreaterThanOrEqualTo(value(before, "parley_delivery_latency_seconds_count") + 2);
            assertThat(value(after, "parley_messages_commit_seconds_count"))
                    .isGreaterThan(value(before, "parley_messages_commit_seconds_count"));
        }
    }

    /** The value of a metric without labels in a Prometheus text page (0 when it is not there yet). */
    private static double value(String page, String name) {
        for (String line : page.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
