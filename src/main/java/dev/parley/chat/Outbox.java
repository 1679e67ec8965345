package dev.parley.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.parley.protocol.ServerEvent;
import jakarta.inject.Singleton;

/** Encodes server events once, so a fan-out to many members serializes a frame a single time. */
@Singleton
public class Outbox {
    private final ObjectWriter writer;

    Outbox(ObjectMapper json) {
        this.writer = json.writerFor(ServerEvent.class);
    }

    public String encode(ServerEvent event) {
        try {
            return writer.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event, e);
        }
    }
}
