package dev.parley.assistant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;

/**
 * The assistant's Prometheus metrics: {@code parley_llm_turns_total{outcome}}, {@code parley_llm_time_to_first_token_seconds},
 * {@code parley_llm_turn_duration_seconds}, {@code parley_llm_tokens_total{direction}}, {@code parley_llm_cache_total{result}},
 * {@code parley_llm_rate_limited_total}, {@code parley_llm_provider_errors_total{provider,kind}}.
 */
@Singleton
public class AssistantMetrics {
    private final MeterRegistry registry;
    private final Timer firstToken;
    private final Timer turnDuration;
    private final Counter tokensIn;
    private final Counter tokensOut;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Counter rateLimited;

    AssistantMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.firstToken = Timer.builder("parley.llm.time_to_first_token").description("From a turn's start to its first streamed token")
                .publishPercentileHistogram().register(registry);
        this.turnDuration = Timer.builder("parley.llm.turn.duration").description("From a turn's start to its stored reply")
                .publishPercentileHistogram().register(registry);
        this.tokensIn = Counter.builder("parley.llm.tokens").tag("direction", "input").description("Tokens sent to and received from models").register(registry);
        this.tokensOut = Counter.builder("parley.llm.tokens").tag("direction", "output").description("Tokens sent to and received from models").register(registry);
        this.cacheHits = Counter.builder("parley.llm.cache").tag("result", "hit").description("Response cache lookups").register(registry);
        this.cacheMisses = Counter.builder("parley.llm.cache").tag("result", "miss").description("Response cache lookups").register(registry);
        this.rateLimited = Counter.builder("parley.llm.rate_limited").description("Assistant requests refused by the per-user rate limit").register(registry);
    }

    /** A finished turn or REST call; {@code outcome} is ok, cached, error or cancelled. */
    public void turn(String outcome, Duration took) {
        Counter.builder("parley.llm.turns").tag("outcome", outcome).description("Assistant turns by outcome").register(registry).increment();
        turnDuration.record(took);
    }

    public void firstToken(Duration took) {
        firstToken.record(took);
    }

    public void tokens(int in, int out) {
        tokensIn.increment(in);
        tokensOut.increment(out);
    }

    public void cache(boolean hit) {
        (hit ? cacheHits : cacheMisses).increment();
    }

    public void rateLimited() {
        rateLimited.increment();
    }

    public void providerError(String provider, String kind) {
        Counter.builder("parley.llm.provider.errors").tag("provider", provider).tag("kind", kind.toLowerCase(Locale.ROOT))
                .description("Failed provider requests by kind").register(registry).increment();
    }
}
