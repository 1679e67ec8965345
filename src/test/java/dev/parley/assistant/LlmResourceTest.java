package dev.parley.assistant;

import static dev.parley.assistant.standin.StandIns.ANTHROPIC;
import static dev.parley.assistant.standin.StandIns.OLLAMA;
import static dev.parley.assistant.standin.StandIns.OPENAI;
import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import dev.parley.assistant.standin.StandIn;
import dev.parley.assistant.standin.StandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §3 {@code /api/llm/*} with its error contract, and the assistant's metrics. */
@QuarkusTest
@QuarkusTestResource(StandIns.class)
class LlmResourceTest extends AssistantTestSupport {
    @jakarta.inject.Inject
    ModelCatalog catalog;

    @Test
    void modelsListsTheDefaultAndEachProvidersModels() {
        given().auth().oauth2(register(unique("alice"))).get("/api/llm/models").then().statusCode(200)
                .body("default", equalTo("ollama/llama3.2"))
                .body("models.find { it.id == 'ollama/llama3.2:latest' }.available", equalTo(true))
                .body("models.find { it.id == 'ollama/llama3.2:latest' }.provider", equalTo("ollama"))
                .body("models.id", hasItem("anthropic/claude-sonnet-4-5"))
                .body("models.id", hasItem("openai/local-model"));
    }

    @Test
    void generateAnswersAPromptAndTheSamePromptAgainFromTheCache() {
        String token = register(unique("alice"));
        String prompt = "Name a colour " + unique("p");
        OLLAMA.reply("Blue", ".");
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("prompt", prompt)).post("/api/llm/generate")
                .then().statusCode(200).body("response", equalTo("Blue.")).body("model", equalTo("ollama/llama3.2"))
                .body("cached", equalTo(false)).body("usage.inputTokens", equalTo(42)).body("usage.outputTokens", equalTo(2));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("prompt", prompt)).post("/api/llm/generate")
                .then().statusCode(200).body("response", equalTo("Blue.")).body("cached", equalTo(true));
        assertThat(OLLAMA.chatRequests()).hasSize(1);
    }

    @Test
    void generateUsesTheGivenModelAndSystemPrompt() {
        ANTHROPIC.reply("Bonjour");
        given().auth().oauth2(register(unique("alice"))).contentType(ContentType.JSON)
                .body(Map.of("prompt", "Say hello " + unique("p"), "model", "anthropic/claude-3-5-haiku-latest", "system", "Answer in French."))
                .post("/api/llm/generate").then().statusCode(200)
                .body("response", equalTo("Bonjour")).body("model", equalTo("anthropic/claude-3-5-haiku-latest"));
        StandIn.Request request = ANTHROPIC.chatRequests().get(0);
        assertThat(request.body().path("system").asText()).isEqualTo("Answer in French.");
        assertThat(request.body().path("model").asText()).isEqualTo("claude-3-5-haiku-latest");
    }

    @Test
    void generateWithoutAPromptIs400() {
        given().auth().oauth2(register(unique("alice"))).contentType(ContentType.JSON).body(Map.of("model", "ollama/llama3.2"))
                .post("/api/llm/generate").then().statusCode(400)
                .body("error", equalTo("prompt is required")).body("code", equalTo("bad_request"));
    }

    @Test
    void generateWithAModelOfNoKnownProviderIs400() {
        given().auth().oauth2(register(unique("alice"))).contentType(ContentType.JSON).body(Map.of("prompt", "x", "model", "gemini/pro"))
                .post("/api/llm/generate").then().statusCode(400).body("code", equalTo("bad_request"));
    }

    @Test
    void generateRefusesAModelTheServerDoesNotOfferWithoutAskingAProvider() {
        String token = register(unique("alice"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("prompt", "x", "model", "anthropic/claude-opus-priciest"))
                .post("/api/llm/generate").then().statusCode(400).body("code", equalTo("bad_request"))
                .body("error", org.hamcrest.Matchers.containsString("/api/llm/models"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("prompt", "x", "model", "ollama/llama3.2\n2026-12-03 12:00:00 INFO forged line"))
                .post("/api/llm/generate").then().statusCode(400).body("code", equalTo("bad_request"));
        // a model the server offers
        OLLAMA.reply("ok");
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("prompt", "hi " + unique("p"), "model", "ollama/qwen2.5:0.5b"))
                .post("/api/llm/generate").then().statusCode(200);
        assertThat(ANTHROPIC.chatRequests()).isEmpty();
        assertThat(OLLAMA.chatRequests()).hasSize(1);
    }

    @Test
    void generateRefusesAPromptBeyondTheContextBudgetWithoutAskingAProvider() {
        String token = register(unique("alice"));
        String tenMegabytes = "x".repeat(10_000_000);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("prompt", tenMegabytes))
                .post("/api/llm/generate").then().statusCode(400).body("code", equalTo("bad_request"))
                .body("error", org.hamcrest.Matchers.containsString("LLM_CONTEXT_TOKENS"));
        // short enough in characters to be counted, but 5000 tokens against a budget of 4096
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("prompt", " word".repeat(5000)))
                .post("/api/llm/generate").then().statusCode(400).body("code", equalTo("bad_request"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("prompt", "hi", "system", " word".repeat(5000)))
                .post("/api/llm/generate").then().statusCode(400).body("code", equalTo("bad_request"));
        assertThat(OLLAMA.chatRequests()).isEmpty();
        // within the budget
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("prompt", " word".repeat(4000) + unique("p")))
                .post("/api/llm/generate").then().statusCode(200);
    }

    @Test
    void theModelListIsKeptBrieflySoTwoQuickCallsAskEachProviderOnce() {
        catalog.forget();
        String token = register(unique("alice"));
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(token).get("/api/llm/models").then().statusCode(200)
                    .body("models.id", hasItem("anthropic/claude-sonnet-4-5"));
        }
        for (StandIn provider : List.of(OLLAMA, ANTHROPIC, OPENAI)) {
            assertThat(provider.requests()).filteredOn(r -> r.method().equals("GET")).hasSize(1);
        }
    }

    @Test
    void generateIs503WhenTheProviderIsUnavailable() {
        OPENAI.fail(6, 503, Map.of());
        given().auth().oauth2(register(unique("alice"))).contentType(ContentType.JSON)
                .body(Map.of("prompt", "hello " + unique("p"), "model", "openai/local-model"))
                .post("/api/llm/generate").then().statusCode(503).body("code", equalTo("llm_unavailable"));
        // 3 tries of openai/local-model, then the fallback (also openai): its first failure is the 4th in the
        // breaker's window, which opens, so the fallback's retries are skipped
        assertThat(OPENAI.chatRequests()).hasSize(4);
    }

    @Test
    void generateIs429WithRetryAfterOverTheRateLimit() {
        String token = register(unique("alice"));
        for (int i = 0; i < 10; i++) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("prompt", "same prompt")).post("/api/llm/generate")
                    .then().statusCode(200);
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("prompt", "same prompt")).post("/api/llm/generate")
                .then().statusCode(429).body("code", equalTo("rate_limited")).header("Retry-After", notNullValue());
    }

    @Test
    void chatAnswersAQuestionAboutTheServerWithTheToolsOverWhatTheCallerMaySee() {
        String bobToken = register(unique("bob"));
        String hidden = unique("hidden");
        given().auth().oauth2(bobToken).contentType(ContentType.JSON).body(Map.of("name", hidden, "private", true))
                .post("/api/rooms").then().statusCode(201);
        String aliceToken = register(unique("alice"));
        String open = unique("open");
        given().auth().oauth2(aliceToken).contentType(ContentType.JSON).body(Map.of("name", open)).post("/api/rooms").then().statusCode(201);
        String own = unique("own");
        given().auth().oauth2(aliceToken).contentType(ContentType.JSON).body(Map.of("name", own, "private", true))
                .post("/api/rooms").then().statusCode(201);

        OLLAMA.callTools(new StandIn.Call("list_rooms", "{\"user\":\"bob\"}"), new StandIn.Call("recent_messages", "{\"room\":\"" + hidden + "\"}"));
        OLLAMA.reply("You can see some rooms.");
        given().auth().oauth2(aliceToken).contentType(ContentType.JSON).body(Map.of("message", "Which rooms are there?"))
                .post("/api/llm/chat").then().statusCode(200).body("response", equalTo("You can see some rooms."));
        List<StandIn.Request> requests = OLLAMA.chatRequests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).body().path("tools")).hasSize(1);
        String results = requests.get(1).body().path("messages").toString();
        // answered to the asker alone: their own private room is listed, someone else's is not
        assertThat(results).contains(open).contains(own).doesNotContain("\\\"name\\\":\\\"" + hidden);
        assertThat(results).contains("not available here");
    }

    @Test
    void chatWithoutAMessageIs400WithSpecsBody() {
        given().auth().oauth2(register(unique("alice"))).contentType(ContentType.JSON).body(Map.of())
                .post("/api/llm/chat").then().statusCode(400).body("error", equalTo("message is required"));
        given().auth().oauth2(register(unique("alice"))).contentType(ContentType.JSON).body(Map.of("message", " "))
                .post("/api/llm/chat").then().statusCode(400).body("error", equalTo("message is required"));
    }

    @Test
    void theLlmEndpointsNeedAToken() {
        given().get("/api/llm/models").then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("prompt", "x")).post("/api/llm/generate").then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("message", "x")).post("/api/llm/chat").then().statusCode(401);
    }

    @Test
    void metricsCountTurnsFirstTokensTokensCacheRateLimitsAndProviderErrors() {
        String token = register(unique("alice"));
        OLLAMA.fail(1, 503, Map.of());
        String prompt = "metrics " + unique("p");
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("prompt", prompt)).post("/api/llm/generate")
                    .then().statusCode(200);
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("parley_llm_turns_total{outcome=\"ok\"}", "parley_llm_turns_total{outcome=\"cached\"}",
                "parley_llm_tokens_total{direction=\"input\"}", "parley_llm_tokens_total{direction=\"output\"}",
                "parley_llm_cache_total{result=\"hit\"}", "parley_llm_cache_total{result=\"miss\"}",
                "parley_llm_rate_limited_total", "parley_llm_provider_errors_total{kind=\"server\",provider=\"ollama\"}",
                "parley_llm_turn_duration_seconds_count", "parley_llm_queue");
        given().get("/q/metrics").then().body(org.hamcrest.Matchers.containsString("parley_llm_time_to_first_token_seconds"));
    }

    @Test
    void readinessReportsTheAssistantAndStaysUp() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'assistant' }.data.state", equalTo("ok"))
                .body("checks.find { it.name == 'assistant' }.data.'provider.ollama'", equalTo("closed"))
                .body("checks.size()", greaterThan(1));
    }
}
