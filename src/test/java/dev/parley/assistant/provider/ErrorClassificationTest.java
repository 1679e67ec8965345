package dev.parley.assistant.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How provider error answers are classified: what is retried, what counts for the breaker, what is a spend limit. */
class ErrorClassificationTest {

    private static ProviderException.Kind anthropic(int status, String type, String message) {
        return AnthropicProvider.error(status, "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}",
                Duration.ofSeconds(3)).kind();
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
        ProviderException e = AnthropicProvider.error(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}",
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
}
