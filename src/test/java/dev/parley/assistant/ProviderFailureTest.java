package dev.parley.assistant;

import static dev.parley.assistant.standin.StandIns.ANTHROPIC;
import static dev.parley.assistant.standin.StandIns.OLLAMA;
import static dev.parley.assistant.standin.StandIns.OPENAI;
import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.assistant.standin.OpenAiStandIn;
import dev.parley.assistant.standin.StandIns;
import dev.parley.support.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC's failure rules: retries before the first token (5xx, 429 with retry-after, timeouts), never after tokens
 * streamed, never on a spend limit; the fallback model; the circuit breaker; errors leave the chat working.
 * Tests run with LLM_MAX_RETRIES=2, LLM_FALLBACK_MODEL=openai/gpt-4o-mini, LLM_TIMEOUT=3s and a breaker that
 * looks at 4 requests.
 */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
class ProviderFailureTest extends AssistantTestSupport {

    @Test
    void serverErrorsBeforeTheFirstTokenAreRetriedThenTheReplySucceeds() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            OLLAMA.fail(2, 503, Map.of()).reply("third time lucky");
            alice.say(room, "q", "@assistant hi");
            JsonNode m = reply(alice);
            assertThat(m.path("text").asText()).isEqualTo("third time lucky");
            assertThat(m.path("model").asText()).isEqualTo("ollama/llama3.2");
            assertThat(OLLAMA.chatRequests()).hasSize(3);
            assertThat(OPENAI.chatRequests()).isEmpty();
            assertThat(alice.received("assistant_start")).hasSize(1);
        }
    }

    @Test
    void anthropicRateLimitIsRetriedAfterTheRetryAfterItAsks() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            useModel(alice, room, "anthropic/claude-3-5-haiku-latest");
            ANTHROPIC.fail(1, 429, Map.of("retry-after", "1")).reply("after waiting");
            alice.say(room, "q", "@assistant hi");
            JsonNode m = reply(alice);
            assertThat(m.path("text").asText()).isEqualTo("after waiting");
            assertThat(m.path("model").asText()).isEqualTo("anthropic/claude-3-5-haiku-latest");
            assertThat(ANTHROPIC.chatRequests()).hasSize(2);
            // the retry was sent no sooner than the provider asked (a lower bound: a slow machine cannot fail it)
            long gapNanos = ANTHROPIC.chatRequests().get(1).receivedNanos() - ANTHROPIC.chatRequests().get(0).receivedNanos();
            assertThat(java.time.Duration.ofNanos(gapNanos)).as("waited for retry-after: 1").isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(1));
            dev.parley.assistant.standin.StandIn.Request request = ANTHROPIC.chatRequests().get(1);
            assertThat(request.headers().get("x-api-key")).isEqualTo("test-anthropic-key");
            assertThat(request.headers().get("anthropic-version")).isEqualTo("2023-06-01");
            assertThat(request.path()).isEqualTo("/v1/messages");
            assertThat(request.body().path("max_tokens").asInt()).isEqualTo(1024);
        }
    }

    @Test
    void aSpendLimitIsNeverRetriedAndGoesStraightToTheFallback() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            useModel(alice, room, "anthropic/claude-3-5-haiku-latest");
            ANTHROPIC.failWith(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":"
                    + "\"Your credit balance is too low to access the Anthropic API.\"}}", Map.of());
            OPENAI.reply("fallback answer");
            alice.say(room, "q", "@assistant hi");
            JsonNode m = reply(alice);
            assertThat(ANTHROPIC.chatRequests()).hasSize(1);
            assertThat(m.path("model").asText()).isEqualTo("openai/gpt-4o-mini");
            assertThat(m.path("text").asText()).isEqualTo("fallback answer");
        }
    }

    @Test
    void openAiInsufficientQuotaIsASpendLimitNotARateLimit() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            useModel(alice, room, "openai/gpt-4o-mini");
            OPENAI.failWith(429, OpenAiStandIn.insufficientQuota(), Map.of("retry-after", "0"));
            alice.say(room, "q", "@assistant hi");
            JsonNode error = alice.await("assistant_error");
            assertThat(error.path("code").asText()).isEqualTo("llm_error");
            assertThat(error.path("message").asText()).contains("quota");
            assertThat(OPENAI.chatRequests()).hasSize(1);
        }
    }

    @Test
    void whenTheRoomsModelKeepsFailingTheFallbackModelAnswers() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            OLLAMA.fail(3, 500, Map.of());
            OPENAI.reply("from the fallback");
            alice.say(room, "q", "@assistant hi");
            JsonNode m = reply(alice);
            assertThat(m.path("model").asText()).isEqualTo("openai/gpt-4o-mini");
            assertThat(m.path("text").asText()).isEqualTo("from the fallback");
            assertThat(OLLAMA.chatRequests()).hasSize(3);
            JsonNode request = OPENAI.chatRequests().get(0).body();
            assertThat(request.path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(request.path("stream_options").path("include_usage").asBoolean()).isTrue();
            // a compatible server (not api.openai.com) gets the reply limit in the field most of them read
            assertThat(request.path("max_tokens").asInt()).isEqualTo(1024);
            assertThat(request.has("max_completion_tokens")).isFalse();
            assertThat(OPENAI.chatRequests().get(0).headers().get("authorization")).isEqualTo("Bearer test-openai-key");
        }
    }

    @Test
    void aFailureAfterTokensStreamedIsNotRetriedAndEndsInAnAssistantError() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            OLLAMA.replyThenBreak("I was saying");
            alice.say(room, "q", "@assistant hi");
            JsonNode error = alice.await("assistant_error");
            assertThat(error.path("code").asText()).isEqualTo("llm_unavailable");
            assertThat(streamed(alice, error.path("turnId").asText())).isEqualTo("I was saying");
            assertThat(OLLAMA.chatRequests()).hasSize(1);
            assertThat(OPENAI.chatRequests()).isEmpty();
        }
    }

    @Test
    void aFailedTurnEndsInAnAssistantErrorAndTheChatKeepsWorking() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")));
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            OLLAMA.fail(3, 503, Map.of());
            OPENAI.fail(3, 502, Map.of());
            alice.say(room, "q", "@assistant hi");
            for (WsClient member : List.of(alice, bob)) {
                JsonNode error = member.await("assistant_error");
                assertThat(error.path("code").asText()).isEqualTo("llm_unavailable");
            }
            JsonNode ack = bob.say(room, "after", "still chatting");
            assertThat(alice.await("message", m -> m.path("text").asText().equals("still chatting")).path("seq").asLong())
                    .isEqualTo(ack.path("seq").asLong());
            OLLAMA.reply("back again");
            alice.say(room, "q2", "@assistant again?");
            assertThat(reply(alice).path("text").asText()).isEqualTo("back again");
        }
    }

    @Test
    void aProviderThatDoesNotAnswerInTimeIsRetried() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            java.util.concurrent.CountDownLatch silent = OLLAMA.holdAnswer(); // silent past LLM_TIMEOUT (3s): the turn gives up on it
            OLLAMA.reply("on time");
            alice.say(room, "q", "@assistant hi");
            JsonNode m = reply(alice);
            assertThat(m.path("text").asText()).isEqualTo("on time");
            assertThat(OLLAMA.chatRequests()).hasSize(2);
            assertThat(streamed(alice, m.path("turnId").asText())).isEqualTo("on time");
            silent.countDown();
        }
    }

    @Test
    void aStreamThatStallsLongerThanTheTimeoutBetweenTokensEndsTheTurnWithoutARetry() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            java.util.concurrent.CountDownLatch never = OLLAMA.replyHeld("Thinking", " never");
            alice.say(room, "q", "@assistant hi");
            JsonNode error = alice.await("assistant_error");
            assertThat(error.path("code").asText()).isEqualTo("llm_unavailable");
            assertThat(error.path("message").asText()).contains("timed out");
            assertThat(OLLAMA.chatRequests()).hasSize(1);
            assertThat(OPENAI.chatRequests()).isEmpty();
            never.countDown();
        }
    }

    @Test
    void aProviderThatKeepsFailingIsSkippedByTheCircuitBreakerAndTurnsFailFast() {
        String room = unique("r");
        try (WsClient alice = WsClient.bearer(base, register(unique("alice")))) {
            alice.join(room);
            OLLAMA.fail(20, 503, Map.of());
            OPENAI.fail(20, 503, Map.of());
            alice.say(room, "q1", "@assistant one");
            alice.await("assistant_error");
            alice.say(room, "q2", "@assistant two");
            alice.await("assistant_error");
            int ollamaCalls = OLLAMA.chatRequests().size();
            int openAiCalls = OPENAI.chatRequests().size();
            assertThat(ollamaCalls).as("the breaker opened after 4 failed requests").isEqualTo(4);

            alice.say(room, "q3", "@assistant three");
            JsonNode error = alice.await("assistant_error");
            assertThat(error.path("code").asText()).isEqualTo("llm_unavailable");
            assertThat(error.path("message").asText()).contains("skipped");
            // failing fast means: no provider was asked at all
            assertThat(OLLAMA.chatRequests()).hasSize(ollamaCalls);
            assertThat(OPENAI.chatRequests()).hasSize(openAiCalls);
        }
    }

    /** What a provider might put in an error body: a key fragment and an internal address. */
    private static final String LEAKED_KEY = "sk-ant-api03-LEAKED-7f3a";
    private static final String INTERNAL_ADDRESS = "10.20.30.40:8443";

    @Test
    void aProvidersRawErrorBodyNeverReachesTheRoomMembersOnlyTheCodeAndAShortExplanation() {
        String room = unique("r");
        String token = register(unique("alice"));
        try (WsClient alice = WsClient.bearer(base, token);
                WsClient bob = WsClient.bearer(base, register(unique("bob")))) {
            alice.join(room);
            bob.join(room);
            useModel(alice, room, "anthropic/claude-3-5-haiku-latest");
            String anthropic500 = "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"upstream " + INTERNAL_ADDRESS
                    + " rejected key " + LEAKED_KEY + "\"}}";
            for (int i = 0; i < 3; i++) {
                ANTHROPIC.failWith(500, anthropic500, Map.of());
            }
            OPENAI.failWith(400, "{\"error\":{\"message\":\"Incorrect API key provided: " + LEAKED_KEY + " (proxy " + INTERNAL_ADDRESS
                    + ")\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}", Map.of());
            alice.say(room, "q", "@assistant hi");
            for (WsClient member : List.of(alice, bob)) {
                JsonNode error = member.await("assistant_error");
                assertThat(error.path("code").asText()).isEqualTo("llm_error");
                assertThat(error.path("message").asText()).isNotBlank();
                member.sync();
                assertThat(member.received().toString()).doesNotContain(LEAKED_KEY).doesNotContain(INTERNAL_ADDRESS);
            }
            assertThat(ANTHROPIC.chatRequests()).hasSize(3);
            assertThat(OPENAI.chatRequests()).hasSize(1);

            // the same over REST
            OPENAI.failWith(400, "{\"error\":{\"message\":\"Incorrect API key provided: " + LEAKED_KEY + "\",\"code\":\"invalid_api_key\"}}",
                    Map.of());
            String answer = io.restassured.RestAssured.given().auth().oauth2(token).contentType(io.restassured.http.ContentType.JSON)
                    .body(Map.of("prompt", "hi", "model", "openai/gpt-4o-mini")).post("/api/llm/generate").then().statusCode(502)
                    .extract().asString();
            assertThat(answer).doesNotContain(LEAKED_KEY).contains("llm_error");
        }
    }
}
