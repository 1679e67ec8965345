package dev.parley.assistant;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.parley.assistant.provider.LlmClient;
import dev.parley.assistant.provider.ModelId;
import dev.parley.assistant.provider.Provider;
import dev.parley.assistant.provider.ProviderException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The models Parley can use: each provider's own list (Ollama {@code /api/tags}, OpenAI-compatible {@code /models},
 * Anthropic {@code /v1/models}), asked in parallel, plus the configured default and fallback models, marked
 * unavailable when their provider does not list them or cannot be reached. The list is kept for
 * {@link #KEEP_LIST} (a Caffeine cache with one entry; callers that arrive while it is being asked for wait for that
 * one answer), so a burst of {@code GET /api/llm/models} or {@code /models} asks each provider once.
 */
@Singleton
public class ModelCatalog {
    private static final String DEFAULT_OPENAI = "https://api.openai.com/v1";
    /** How long the providers' lists are kept before they are asked again. */
    static final Duration KEEP_LIST = Duration.ofSeconds(5);
    /** The longest model id accepted (the rooms table's column holds 200 characters). */
    static final int MAX_ID_LENGTH = 200;
    private final LlmClient llm;
    private final AssistantConfig config;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final LoadingCache<String, List<Entry>> listed;

    ModelCatalog(LlmClient llm, AssistantConfig config) {
        this.llm = llm;
        this.config = config;
        this.listed = Caffeine.newBuilder().expireAfterWrite(KEEP_LIST).maximumSize(1).build(key -> ask());
    }

    /** One model: its id, its provider, and whether the provider lists it now. */
    @RegisterForReflection
    public record Entry(String id, String provider, boolean available) {
    }

    /** The provider's list, or why there is none. */
    private record Listing(List<String> models, String problem) {
    }

    /** The models on offer, from the providers' lists of the last few seconds. */
    public List<Entry> list() {
        return listed.get("models");
    }

    /** Forgets the kept list, so the next {@link #list} asks the providers (for tests that count provider calls). */
    void forget() {
        listed.invalidateAll();
    }

    private List<Entry> ask() {
        Map<String, CompletableFuture<Listing>> asked = new LinkedHashMap<>();
        for (Provider p : llm.providers().values()) {
            asked.put(p.name(), CompletableFuture.supplyAsync(() -> listing(p), threads));
        }
        Set<String> configured = new LinkedHashSet<>();
        configured.add(config.model());
        config.fallbackModel().filter(f -> !f.isBlank()).ifPresent(configured::add);
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        asked.forEach((provider, future) -> {
            for (String m : future.join().models()) {
                String id = provider + "/" + m;
                if (seen.add(id)) {
                    entries.add(new Entry(id, provider, true));
                }
            }
        });
        for (String id : configured) {
            if (!seen.contains(id) && !seen.contains(id + ":latest")) {
                String provider = id.contains("/") ? id.substring(0, id.indexOf('/')) : "";
                entries.add(new Entry(id, provider, false));
                seen.add(id);
            } else if (!seen.contains(id)) {
                entries.add(new Entry(id, id.substring(0, id.indexOf('/')), true)); // ollama's "llama3.2" is "llama3.2:latest"
            }
        }
        return entries;
    }

    private Listing listing(Provider p) {
        if (p.configurationProblem().isPresent()) {
            return new Listing(List.of(), p.configurationProblem().get());
        }
        if (p.name().equals("openai") && config.openai().apiKey().filter(k -> !k.isBlank()).isEmpty()
                && config.openai().baseUrl().startsWith(DEFAULT_OPENAI)) {
            return new Listing(List.of(), "OPENAI_API_KEY is not set");
        }
        try {
            return new Listing(p.models(), null);
        } catch (ProviderException e) {
            return new Listing(List.of(), e.getMessage());
        }
    }

    /**
     * Checks a model id that comes from a person ({@code /model}, {@code POST /api/llm/generate}): at most
     * {@value #MAX_ID_LENGTH} characters without spaces or control characters (an id is logged, so a newline in one
     * would forge log lines), well formed, of a known provider.
     */
    public ModelId validate(String id) {
        if (id == null || id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("a model id has at most " + MAX_ID_LENGTH + " characters");
        }
        if (id.codePoints().anyMatch(ModelCatalog::unprintable)) {
            throw new IllegalArgumentException("a model id has no spaces, control or format characters");
        }
        ModelId parsed = ModelId.parse(id);
        llm.provider(parsed);
        return parsed;
    }

    /** True when the id is one of the models on offer (Ollama's {@code x} stands for its {@code x:latest}). */
    public boolean offers(String id) {
        return list().stream().anyMatch(e -> e.id().equals(id) || e.id().equals(id + ":latest"));
    }

    private static boolean unprintable(int c) {
        return Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.getType(c) == Character.FORMAT;
    }
}
