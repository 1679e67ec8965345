package dev.parley.assistant;

import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** The system prompt, from the resource {@code assistant/system-prompt.txt}, naming the room and its members. */
@Singleton
public class SystemPrompt {
    private final String template;
    private final AssistantConfig config;

    SystemPrompt(AssistantConfig config) {
        this.config = config;
        try (InputStream in = SystemPrompt.class.getClassLoader().getResourceAsStream("assistant/system-prompt.txt")) {
            if (in == null) {
                throw new IllegalStateException("resource assistant/system-prompt.txt is missing");
            }
            this.template = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String forRoom(String room, String description, Collection<String> members) {
        return template.replace("{assistant}", config.assistantName())
                .replace("{room}", room)
                .replace("{description}", description == null || description.isBlank() ? "(none)" : description)
                .replace("{members}", members.isEmpty() ? "(none)" : String.join(", ", members.stream().sorted().toList()));
    }

    /** The prompt of a one-shot question about the server ({@code POST /api/llm/chat}). */
    public String forServer(String user) {
        return "You are " + config.assistantName() + ", the assistant of a Parley chat server. " + user
                + " asks a question about the server. Use the tools to look at the rooms they may see; they are read-only. "
                + "Answer briefly; do not invent rooms.";
    }
}
