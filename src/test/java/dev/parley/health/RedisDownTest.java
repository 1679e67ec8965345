package dev.parley.health;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §4 REDIS_URL: with Redis unreachable a single node keeps working and readiness says so. */
@QuarkusTest
@TestProfile(RedisDownTest.NoRedis.class)
class RedisDownTest {
    public static class NoRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:1");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void withoutRedisTheNodeIsReadyDegradedAndChatWorks() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'redis' }.data.state", equalTo("degraded"));
        String room = unique("r");
        try (WsClient c = WsClient.bearer(base, register(unique("n")))) {
            c.join(room);
            c.say(room, "x", "still chatting");
            c.await("message");
        }
    }
}
