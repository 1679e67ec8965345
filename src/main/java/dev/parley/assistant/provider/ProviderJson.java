package dev.parley.assistant.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/** JSON for the providers on the application's one {@link ObjectMapper}: strict for streams, lenient for error bodies. */
@Singleton
public class ProviderJson {
    private final ObjectMapper mapper;

    ProviderJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** A piece of a provider's stream or document: malformed JSON is a {@code PROTOCOL} failure, never an empty object. */
    JsonNode strict(String provider, String text) {
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new ProviderException(ProviderException.Kind.PROTOCOL, provider + " sent an empty JSON document", null, null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ProviderException(ProviderException.Kind.PROTOCOL, provider + " sent malformed JSON",
                    e.getOriginalMessage() + " in: " + HttpErrors.abbreviate(text), null);
        }
    }

    /** An error body, which may be anything (HTML from a proxy): an empty object when it is not JSON. */
    JsonNode lenient(String text) {
        try {
            JsonNode node = text == null ? null : mapper.readTree(text);
            return node == null || node.isMissingNode() ? mapper.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            return mapper.createObjectNode();
        }
    }

    /** Tool arguments the model wrote, or a tool's schema, sent back as an object: empty when they are not JSON. */
    JsonNode arguments(String text) {
        return lenient(text == null || text.isBlank() ? "{}" : text);
    }

    /** The text field {@code field} of each element of an array (a model list). */
    static List<String> each(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(m -> values.add(m.path(field).asText()));
        return values;
    }
}
