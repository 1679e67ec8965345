package dev.parley.assistant;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.assistant.standin.StandIns;
import dev.parley.ratelimit.Gcra;
import dev.parley.support.WsClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** SPEC: {@code LLM_RATE_LIMIT} turns per user per minute (10 here); over it, {@code rate_limited} and the message still delivered. */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
class RateLimitTest extends AssistantTestSupport {
    @Inject
    RedisDataSource redis;

    @Test
    void overTheLimitTheUserGetsRateLimitedAndTheMessageIsStillDelivered() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            for (int i = 1; i <= 10; i++) {
                // one after another: more than LLM_MAX_QUEUED_PER_USER (3) waiting at once would be refused with busy
                alice.say(room, "q" + i, "@assistant question " + i);
                reply(alice);
            }
            JsonNode ack = alice.say(room, "q11", "@assistant question 11");
            JsonNode error = alice.await("error");
            assertThat(error.path("code").asText()).isEqualTo("rate_limited");
            assertThat(error.path("ref").asText()).isEqualTo("q11");
            assertThat(error.path("retryAfterMs").asLong()).isBetween(1L, 60_000L);
            assertThat(bob.await("message", m -> m.path("text").asText().equals("@assistant question 11")).path("seq").asLong())
                    .isEqualTo(ack.path("seq").asLong());
            for (int i = 0; i < 10; i++) {
                reply(bob);
            }
            bob.sync();
            assertThat(bob.received("assistant_start")).hasSize(10);
            // bob has his own allowance
            bob.say(room, "b1", "@assistant and me?");
            reply(bob);
            assertThat(bob.received("error")).isEmpty();
        }
    }

    @Test
    void aRefusedUsersNextQuestionIsRefusedOnThisNodeUntilTheTimeTheRefusalNamed() {
        String room = unique("r");
        String carol = unique("carol");
        try (WsClient client = WsClient.bearer(base, register(carol))) {
            client.join(room);
            for (int i = 1; i <= 10; i++) {
                client.say(room, "q" + i, "@assistant question " + i);
                reply(client);
            }
            client.say(room, "q11", "@assistant question 11");
            long first = client.await("error", e -> "q11".equals(e.path("ref").asText())).path("retryAfterMs").asLong();
            // Redis forgets carol's limit: only this node's memory of the refusal can refuse the next question now
            redis.execute("DEL", Gcra.redisKey("parley:llm:rate:", carol));
            client.say(room, "q12", "@assistant question 12");
            JsonNode second = client.await("error", e -> "q12".equals(e.path("ref").asText()));
            assertThat(second.path("code").asText()).isEqualTo("rate_limited");
            assertThat(second.path("retryAfterMs").asLong()).isBetween(1L, first);
            client.sync();
            assertThat(client.received("assistant_start")).hasSize(10);
        }
    }
}
