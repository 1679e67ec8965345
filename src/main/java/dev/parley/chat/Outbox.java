package dev.parley.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.ServerEvent;
import jakarta.inject.Singleton;

/** Encodes server events once, so a fan-out to many members serializes a frame a single time. */
@Singleton
public class Outbox {
    private final ObjectMapper json;

    Outbox(ObjectMapper json) {
        this.json = json;
    }

    public String encode(ServerEvent event) {
        try {
            return json.writerFor(ServerEvent.class).writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event, e);
        }
    }
}
