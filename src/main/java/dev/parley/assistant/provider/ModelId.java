package dev.parley.assistant.provider;

import java.util.Locale;

/** A model id {@code provider/model}, e.g. {@code ollama/llama3.2} or {@code anthropic/claude-3-5-haiku-latest}. */
public record ModelId(String provider, String model) {

    /** Parses an id; the provider is the part before the first {@code /}. */
    public static ModelId parse(String id) {
        int slash = id == null ? -1 : id.indexOf('/');
        if (slash <= 0 || slash == id.length() - 1) {
            throw new IllegalArgumentException("a model id looks like provider/model, e.g. ollama/llama3.2");
        }
        return new ModelId(id.substring(0, slash).toLowerCase(Locale.ROOT), id.substring(slash + 1));
    }

    @Override
    public String toString() {
        return provider + "/" + model;
    }
}
