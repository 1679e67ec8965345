package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The readable form of a room's export, for {@code /save file.md}. */
public final class Transcripts {
    private Transcripts() {
    }

    /** Markdown from the export's JSONL: a heading with the room, then each message under its speaker and time. */
    public static String markdown(String jsonl, ObjectMapper json) throws IOException {
        StringBuilder md = new StringBuilder();
        for (String line : jsonl.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = json.readTree(line);
            if (node.path("type").asText().equals("room")) {
                md.append("# ").append(Sanitizer.clean(node.path("name").asText())).append("\n\n");
                if (!node.path("description").asText("").isBlank()) {
                    md.append(Sanitizer.clean(node.path("description").asText())).append("\n\n");
                }
                md.append("_Exported ").append(node.path("exportedAt").asText()).append("_\n\n");
                continue;
            }
            md.append("**").append(Sanitizer.clean(node.path("speaker").asText())).append("** · ")
                    .append(node.path("ts").asText());
            if (node.path("kind").asText().equals("assistant") && node.hasNonNull("model")) {
                md.append(" · ").append(Sanitizer.clean(node.path("model").asText()));
            }
            if (node.path("kind").asText().equals("system")) {
                md.append(" · system");
            }
            md.append("\n\n").append(Sanitizer.clean(node.path("text").asText()).stripTrailing()).append("\n\n");
        }
        return md.toString();
    }
}
