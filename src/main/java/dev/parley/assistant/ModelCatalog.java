package dev.parley.assistant;

import dev.parley.assistant.provider.LlmClient;
import dev.parley.assistant.provider.ModelId;
import dev.parley.assistant.provider.Provider;
import dev.parley.assistant.provider.ProviderException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
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
 * unavailable when their provider does not list them or cannot be reached.
 */
@Singleton
public class ModelCatalog {
    private static final String DEFAULT_OPENAI = "https://api.openai.com/v1";
    private final LlmClient llm;
    private final AssistantConfig config;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    ModelCatalog(LlmClient llm, AssistantConfig config) {
        this.llm = llm;
        this.config = config;
    }

    /** One model: its id, its provider, and whether the provider lists it now. */
    @RegisterForReflection
    public record Entry(String id, String provider, boolean available) {
    }

    /** The provider's list, or why there is none. */
    private record Listing(List<String> models, String problem) {
    }

    public List<Entry> list() {
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

    /** Problems per provider (unreachable, not configured), for {@code /models}. */
    public Map<String, String> problems() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Provider p : llm.providers().values()) {
            String problem = listing(p).problem();
            if (problem != null) {
                out.put(p.name(), problem);
            }
        }
        return out;
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

    /** Checks a model id for {@code /model}: well formed and of a known provider. */
    public ModelId validate(String id) {
        ModelId parsed = ModelId.parse(id);
        llm.provider(parsed);
        return parsed;
    }
}
