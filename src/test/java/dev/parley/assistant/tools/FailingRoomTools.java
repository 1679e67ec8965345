package dev.parley.assistant.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.assistant.provider.LlmMessage;
import dev.parley.presence.PresenceTracker;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import jakarta.persistence.PersistenceException;

/** For tests that need a turn to fail inside: a tool's database read fails when its arguments hold {@link #BREAKS}. */
@Alternative
@Singleton
public class FailingRoomTools extends RoomTools {
    public static final String BREAKS = "break the tool's database";

    FailingRoomTools(PresenceTracker presence, ObjectMapper json) {
        super(presence, json);
    }

    @Override
    public String run(Scope scope, LlmMessage.ToolCall call) {
        if (call.arguments() != null && call.arguments().contains(BREAKS)) {
            throw new PersistenceException("connection to the database lost");
        }
        return super.run(scope, call);
    }
}
