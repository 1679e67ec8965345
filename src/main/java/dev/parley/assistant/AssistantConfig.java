package dev.parley.assistant;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The assistant's typed settings (SPEC §4). Each one is fed by the environment variable named in its javadoc. */
@ConfigMapping(prefix = "parley.llm")
public interface AssistantConfig {

    /** Default model of a room, {@code provider/model} ({@code LLM_MODEL}, default {@code ollama/llama3.2}). */
    @WithDefault("ollama/llama3.2")
    String model();

    /** Model tried when the room's model fails before its first token, after the retries ({@code LLM_FALLBACK_MODEL}). */
    Optional<String> fallbackModel();

    /** The assistant's display name, also the {@code @name} that calls it ({@code ASSISTANT_NAME}, default {@code assistant}). */
    @WithDefault("assistant")
    String assistantName();

    /** Per request: the longest wait for the first token and between two tokens ({@code LLM_TIMEOUT}, default 60s). */
    @WithDefault("60s")
    Duration timeout();

    /** Longest wait for a TCP connection to a provider. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Retries of a request that failed before its first token: connect error, timeout, 429, 5xx ({@code LLM_MAX_RETRIES}, default 2). */
    @WithDefault("2")
    int maxRetries();

    /** Wait before the first retry; doubled for each further one (a provider's {@code retry-after} wins when given). */
    @WithDefault("500ms")
    Duration retryBackoff();

    /** Longest {@code retry-after} honoured; a provider asking for a longer wait fails the request instead. */
    @WithDefault("20s")
    Duration maxRetryAfter();

    /** Assistant turns per user per minute, shared by every node through Redis ({@code LLM_RATE_LIMIT}, default 10). */
    @WithDefault("10")
    int rateLimit();

    /** How long an answer is kept in the response cache ({@code LLM_CACHE_TTL}, default 1h). */
    @WithDefault("1h")
    Duration cacheTtl();

    /** Budget of the prompt (system prompt and room context) in tokens ({@code LLM_CONTEXT_TOKENS}, default 4096). */
    @WithDefault("4096")
    int contextTokens();

    /** Most tokens of one reply ({@code LLM_MAX_TOKENS}, default 1024). */
    @WithDefault("1024")
    int maxTokens();

    /** Turns waiting or running on this node before new ones are refused with {@code busy}. */
    @WithDefault("256")
    int queueCapacity();

    /**
     * Fairness: assistant turns one user may have queued or running on this node; more are refused with {@code busy}
     * and the message is still delivered ({@code LLM_MAX_QUEUED_PER_USER}, default 3; 0 = no limit).
     */
    @WithDefault("3")
    int maxQueuedPerUser();

    /** Turns running at the same time on this node (each in its own room). */
    @WithDefault("16")
    int workers();

    /** Most tool rounds in one turn; after them the model must answer without tools. */
    @WithDefault("5")
    int maxToolRounds();

    /** How long {@code /models} and {@code GET /api/llm/models} wait for a provider's model list. */
    @WithDefault("3s")
    Duration modelListTimeout();

    /** Ollama. */
    Ollama ollama();

    /** Anthropic's Messages API. */
    Anthropic anthropic();

    /** Any OpenAI-compatible chat-completions API. */
    OpenAi openai();

    /** The circuit breaker kept per provider. */
    CircuitBreaker circuitBreaker();

    interface Ollama {
        /** Where Ollama listens ({@code OLLAMA_BASE_URL}, default {@code http://localhost:11434}). */
        @WithDefault("http://localhost:11434")
        String baseUrl();
    }

    interface Anthropic {
        /** API key ({@code ANTHROPIC_API_KEY}); without it anthropic models answer {@code llm_unavailable}. */
        Optional<String> apiKey();

        /** Base URL without {@code /v1}; requests go to {@code <base>/v1/messages} ({@code ANTHROPIC_BASE_URL}). */
        @WithDefault("https://api.anthropic.com")
        String baseUrl();

        /** The {@code anthropic-version} header sent with every request. */
        @WithDefault("2023-06-01")
        String version();
    }

    interface OpenAi {
        /** API key ({@code OPENAI_API_KEY}); optional, local OpenAI-compatible servers often need none. */
        Optional<String> apiKey();

        /** Base URL; requests go to {@code <base>/chat/completions} ({@code OPENAI_BASE_URL}, default {@code https://api.openai.com/v1}). */
        @WithDefault("https://api.openai.com/v1")
        String baseUrl();

        /**
         * The request field that carries the reply limit ({@code OPENAI_MAX_TOKENS_FIELD}): {@code max_completion_tokens}
         * (OpenAI's current name; its reasoning and newest models refuse the old one) or {@code max_tokens} (what most
         * OpenAI-compatible servers read). Unset: {@code max_completion_tokens} for {@code api.openai.com}, else
         * {@code max_tokens}.
         */
        Optional<String> maxTokensField();
    }

    interface CircuitBreaker {
        /** Requests looked at (a rolling window) before the breaker may open. */
        @WithDefault("10")
        int requestVolume();

        /** Share of failed requests in the window that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long an open breaker refuses requests before it lets one through to test the provider. */
        @WithDefault("30s")
        Duration delay();
    }
}
