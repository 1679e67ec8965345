package dev.parley.assistant.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How provider error answers are classified: what is retried, what counts for the breaker, what is a spend limit. */
class ErrorClassificationTest {

    private static ProviderException.Kind anthropic(int status, String type, String message) {
        return anthropicError(status, "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}",
                Duration.ofSeconds(3)).kind();
    }

    private static ProviderException anthropicError(int status, String body, Duration retryAfter) {
        try {
            return AnthropicProvider.error(status, new ObjectMapper().readTree(body), body, retryAfter);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anthropicErrorTypesDecideRetriesAndTheBreaker() {
        assertThat(anthropic(429, "rate_limit_error", "Number of requests has exceeded your rate limit")).isEqualTo(ProviderException.Kind.RATE_LIMITED);
        assertThat(anthropic(529, "overloaded_error", "Overloaded")).isEqualTo(ProviderException.Kind.SERVER);
        assertThat(anthropic(500, "api_error", "Internal server error")).isEqualTo(ProviderException.Kind.SERVER);
        assertThat(anthropic(402, "billing_error", "payment")).isEqualTo(ProviderException.Kind.SPEND_LIMIT);
        assertThat(anthropic(400, "invalid_request_error", "Your credit balance is too low to access the Anthropic API."))
                .isEqualTo(ProviderException.Kind.SPEND_LIMIT);
        assertThat(anthropic(400, "invalid_request_error", "max_tokens: field required")).isEqualTo(ProviderException.Kind.REJECTED);
        assertThat(anthropic(401, "authentication_error", "invalid x-api-key")).isEqualTo(ProviderException.Kind.AUTH);
        assertThat(ProviderException.Kind.RATE_LIMITED.retriable).isTrue();
        assertThat(ProviderException.Kind.RATE_LIMITED.breaksCircuit).isFalse();
        assertThat(ProviderException.Kind.SPEND_LIMIT.retriable).isFalse();
        assertThat(ProviderException.Kind.SERVER.breaksCircuit).isTrue();
    }

    @Test
    void anthropicRateLimitKeepsItsRetryAfter() {
        ProviderException e = anthropicError(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}",
                Duration.ofSeconds(7));
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void genericStatusesAreClassified() {
        assertThat(HttpErrors.byStatus("x", 503, "", null).kind()).isEqualTo(ProviderException.Kind.SERVER);
        assertThat(HttpErrors.byStatus("x", 429, "", null).kind()).isEqualTo(ProviderException.Kind.RATE_LIMITED);
        assertThat(HttpErrors.byStatus("x", 404, "model not found", null).kind()).isEqualTo(ProviderException.Kind.REJECTED);
        assertThat(HttpErrors.byStatus("x", 403, "", null).kind()).isEqualTo(ProviderException.Kind.AUTH);
    }

    @Test
    void theReplyLimitFieldIsOpenAisCurrentNameForOpenAiAndTheCommonOneElsewhere() {
        assertThat(OpenAiProvider.maxTokensField("https://api.openai.com/v1", java.util.Optional.empty())).isEqualTo("max_completion_tokens");
        assertThat(OpenAiProvider.maxTokensField("http://localhost:8000/v1/", java.util.Optional.empty())).isEqualTo("max_tokens");
        assertThat(OpenAiProvider.maxTokensField("https://openrouter.ai/api/v1", java.util.Optional.of(" "))).isEqualTo("max_tokens");
        assertThat(OpenAiProvider.maxTokensField("http://localhost:8000/v1", java.util.Optional.of("max_completion_tokens")))
                .isEqualTo("max_completion_tokens");
        assertThat(OpenAiProvider.maxTokensField("https://api.openai.com/v1", java.util.Optional.of("max_tokens"))).isEqualTo("max_tokens");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenAiProvider.maxTokensField("http://x/v1", java.util.Optional.of("maxTokens")))
                .isInstanceOf(ProviderException.class).hasMessageContaining("OPENAI_MAX_TOKENS_FIELD");
    }

    @Test
    void modelIdsSplitAtTheFirstSlash() {
        assertThat(ModelId.parse("openai/meta-llama/Llama-3.1-8B")).isEqualTo(new ModelId("openai", "meta-llama/Llama-3.1-8B"));
        assertThat(ModelId.parse("Ollama/llama3.2:latest")).isEqualTo(new ModelId("ollama", "llama3.2:latest"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelId.parse("llama3.2")).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelId.parse("ollama/")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whatPeopleSeeIsParleysExplanationAndTheProvidersWordsStayInTheDetail() {
        String body = "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key sk-ant-123 from 10.0.0.9\"}}";
        ProviderException e = anthropicError(401, body, null);
        assertThat(e.getMessage()).isEqualTo("anthropic: the API key was refused (HTTP 401), authentication_error").doesNotContain("sk-ant-123");
        assertThat(e.detail()).contains("sk-ant-123");
        assertThat(e.logText()).contains("sk-ant-123", "the API key was refused");
        ProviderException generic = HttpErrors.byStatus("ollama", 404, "model \"secret-model\" not found at /srv/models", null);
        assertThat(generic.getMessage()).isEqualTo("ollama: unknown model or address (HTTP 404)");
        assertThat(generic.detail()).contains("/srv/models");
    }

    @Test
    void transportFailuresAreClassifiedByTheirTypeAndTheirTextStaysInTheDetail() {
        assertThat(StreamingHttp.failure("ollama", new java.net.ConnectException("Connection refused: /10.1.1.1:11434"), null))
                .satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONNECT);
                    assertThat(e.getMessage()).isEqualTo("cannot connect to ollama");
                    assertThat(e.detail()).contains("10.1.1.1");
                });
        assertThat(StreamingHttp.failure("openai", new io.vertx.core.impl.NoStackTraceTimeoutException("The timeout period of 3000ms has been exceeded"), null)
                .kind()).isEqualTo(ProviderException.Kind.TIMEOUT);
        // classified by type, not by words: a timeout-sounding message on a plain exception is not a timeout
        assertThat(StreamingHttp.failure("openai", new RuntimeException("The timeout period of 3000ms has been exceeded"), null).kind())
                .isEqualTo(ProviderException.Kind.CONNECT);
        assertThat(StreamingHttp.failure("openai", new io.netty.channel.ConnectTimeoutException("connection timed out: x"), null).kind())
                .isEqualTo(ProviderException.Kind.CONNECT);
        assertThat(StreamingHttp.failure("openai", new java.util.concurrent.CancellationException("cancelled"), null).kind())
                .isEqualTo(ProviderException.Kind.CANCELLED);
        assertThat(StreamingHttp.failure("openai", new IllegalStateException("The current record is too long"), null).kind())
                .isEqualTo(ProviderException.Kind.PROTOCOL);
    }
}
