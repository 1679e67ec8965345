package dev.parley.assistant;

import static dev.parley.assistant.standin.StandIns.OLLAMA;
import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.parley.assistant.standin.StandIns;
import dev.parley.support.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SPEC: without Redis a single node keeps working in process and says so in readiness; when Redis returns it is used again. */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
@TestProfile(RedisOutageTest.OwnRedis.class)
class RedisOutageTest extends AssistantTestSupport {

    /** This test's app uses a Redis of its own, which the test stops and starts. */
    public static class OwnRedis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SecondRedis.class));
        }
    }

    @AfterEach
    void redisRunsAgain() {
        if (!"PONG".equals(SecondRedis.cli("PING"))) {
            SecondRedis.launch();
        }
    }

    @Test
    void whenRedisStopsTheAssistantKeepsAnsweringDegradedAndUsesRedisAgainWhenItReturns() {
        String room = unique("r");
        String alice = unique("alice");
        try (WsClient client = WsClient.bearer(base, register(alice))) {
            client.join(room);
            client.say(room, "q1", "@assistant one");
            assertThat(reply(client).path("text").asText()).isEqualTo("Hello from the stand-in.");
            assertThat(SecondRedis.cli("EXISTS", dev.parley.ratelimit.Gcra.redisKey("parley:llm:rate:", alice))).isEqualTo("1");

            SecondRedis.kill();
            OLLAMA.reply("still here");
            client.say(room, "q2", "@assistant two");
            assertThat(reply(client).path("text").asText()).isEqualTo("still here");
            given().get("/q/health/ready").then().statusCode(200)
                    .body("status", equalTo("UP"))
                    .body("checks.find { it.name == 'assistant' }.data.state", equalTo("degraded"))
                    .body("checks.find { it.name == 'redis' }.data.state", equalTo("degraded"));

            SecondRedis.launch();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    given().get("/q/health/ready").then().body("checks.find { it.name == 'assistant' }.data.state", equalTo("ok")));
            OLLAMA.reply("with redis again");
            client.say(room, "q3", "@assistant three");
            assertThat(reply(client).path("text").asText()).isEqualTo("with redis again");
            assertThat(SecondRedis.cli("EXISTS", dev.parley.ratelimit.Gcra.redisKey("parley:llm:rate:", alice))).isEqualTo("1");
        }
    }
}
