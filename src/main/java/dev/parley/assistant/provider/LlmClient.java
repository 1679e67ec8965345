package dev.parley.assistant.provider;

import dev.parley.assistant.AssistantConfig;
import dev.parley.assistant.AssistantMetrics;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * Sends a request to the model a {@code provider/model} id names, with SPEC's failure rules: a request that fails
 * before its first token (connect error, timeout, 429, 5xx) is retried up to {@code LLM_MAX_RETRIES} times, waiting
 * what the provider's {@code retry-after} asks or a doubling backoff; a spend limit is never retried; nothing is
 * retried once text has streamed. Then {@code LLM_FALLBACK_MODEL} is tried. Each provider sits behind its own
 * SmallRye Fault Tolerance circuit breaker, so a dead provider fails fast with {@code UNAVAILABLE}.
 */
@Singleton
public class LlmClient {
    private static final Logger LOG = Logger.getLogger(LlmClient.class);
    private final AssistantConfig config;
    private final AssistantMetrics metrics;
    private final Map<String, Provider> providers = new LinkedHashMap<>();
    private final Map<String, Guard> guards = new LinkedHashMap<>();

    LlmClient(AssistantConfig config, AssistantMetrics metrics, Instance<Provider> all) {
        this.config = config;
        this.metrics = metrics;
        for (Provider p : all) {
            providers.put(p.name(), p);
            guards.put(p.name(), Guard.create().withDescription("LLM provider " + p.name())
                    .withCircuitBreaker().name(breakerName(p.name()))
                    .requestVolumeThreshold(config.circuitBreaker().requestVolume())
                    .failureRatio(config.circuitBreaker().failureRatio())
                    .delay(config.circuitBreaker().delay().toMillis(), ChronoUnit.MILLIS)
                    .when(t -> t instanceof ProviderException e && e.kind().breaksCircuit)
                    .done().build());
        }
    }

    /** Text streamed so far in a turn; once true, nothing is retried or sent to the fallback. */
    public static final class Sink implements Consumer<String> {
        private final Consumer<String> target;
        private volatile boolean streamed;

        public Sink(Consumer<String> target) {
            this.target = target;
        }

        @Override
        public void accept(String piece) {
            streamed = true;
            target.accept(piece);
        }

        public boolean streamed() {
            return streamed;
        }
    }

    /** A reply and the model id that produced it (the fallback's, when it was used). */
    public record Completion(LlmReply reply, String modelId) {
    }

    public Map<String, Provider> providers() {
        return providers;
    }

    public static String breakerName(String provider) {
        return "parley-llm-" + provider;
    }

    /** The circuit breaker state of each provider. */
    public Map<String, CircuitBreakerState> breakerStates() {
        Map<String, CircuitBreakerState> states = new LinkedHashMap<>();
        for (String name : providers.keySet()) {
            states.put(name, CircuitBreakerMaintenance.get().currentState(breakerName(name)));
        }
        return states;
    }

    /** The provider of a model id, or why it cannot be used. */
    public Provider provider(ModelId id) {
        Provider p = providers.get(id.provider());
        if (p == null) {
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED,
                    "unknown provider \"" + id.provider() + "\"; model ids start with " + String.join("/, ", providers.keySet()) + "/");
        }
        return p;
    }

    /** One request on {@code modelId}, falling back to {@code LLM_FALLBACK_MODEL} when it fails before any text streamed. */
    public Completion complete(String modelId, LlmRequest request, Sink sink, Cancellation cancellation) {
        try {
            return new Completion(attempt(modelId, request, sink, cancellation), modelId);
        } catch (ProviderException e) {
            Optional<String> fallback = config.fallbackModel().filter(f -> !f.isBlank() && !f.equals(modelId));
            if (fallback.isEmpty() || sink.streamed() || e.kind() == ProviderException.Kind.CANCELLED) {
                throw e;
            }
            LOG.infof("model %s failed (%s); trying the fallback %s", modelId, e.logText(), fallback.get());
            return new Completion(attempt(fallback.get(), request, sink, cancellation), fallback.get());
        }
    }

    private LlmReply attempt(String modelId, LlmRequest request, Sink sink, Cancellation cancellation) {
        ModelId id;
        try {
            id = ModelId.parse(modelId);
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, "invalid model id \"" + modelId + "\": " + e.getMessage());
        }
        Provider provider = provider(id);
        provider.configurationProblem().ifPresent(problem -> {
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, problem);
        });
        LlmRequest forModel = request.withModel(id.model());
        Guard guard = guards.get(provider.name());
        for (int attempt = 0; ; attempt++) {
            cancellation.check();
            try {
                return guard.call(() -> provider.stream(forModel, sink, cancellation), LlmReply.class);
            } catch (CircuitBreakerOpenException e) {
                metrics.providerError(provider.name(), "circuit_open");
                throw new ProviderException(ProviderException.Kind.UNAVAILABLE,
                        provider.name() + " failed repeatedly and is skipped for up to " + config.circuitBreaker().delay().toSeconds() + "s");
            } catch (ProviderException e) {
                ProviderException failure = cancellation.cancelled() ? new ProviderException(ProviderException.Kind.CANCELLED, "cancelled") : e;
                metrics.providerError(provider.name(), failure.kind().name());
                if (failure.kind() != ProviderException.Kind.CANCELLED) {
                    // the provider's own words (error body, transport exception) are kept here, never shown to people
                    LOG.infof("%s attempt %d failed: %s", modelId, attempt + 1, failure.logText());
                }
                if (!failure.kind().retriable || sink.streamed() || attempt >= config.maxRetries()) {
                    throw failure;
                }
                Duration wait = failure.retryAfter() != null ? failure.retryAfter()
                        : config.retryBackoff().multipliedBy(1L << Math.min(attempt, 10));
                if (wait.compareTo(config.maxRetryAfter()) > 0) {
                    throw failure;
                }
                LOG.debugf("%s: retrying in %d ms", modelId, wait.toMillis());
                pause(wait, cancellation);
            } catch (Exception e) {
                // a bug or an answer nothing above expected: the log has the whole story, people a short explanation
                LOG.errorf(e, "%s attempt %d failed unexpectedly", modelId, attempt + 1);
                metrics.providerError(provider.name(), ProviderException.Kind.PROTOCOL.name());
                throw new ProviderException(ProviderException.Kind.PROTOCOL, provider.name() + ": the answer could not be handled",
                        e.toString(), null);
            }
        }
    }

    private static void pause(Duration wait, Cancellation cancellation) {
        long until = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < until) {
                cancellation.check();
                Thread.sleep(Math.max(1, Math.min(50, (until - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.CANCELLED, "interrupted");
        }
    }
}
