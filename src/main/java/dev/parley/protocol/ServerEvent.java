package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** Frames the server sends (SPEC §2, server → client). The {@code type} property is written from the record's name below. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = MessageView.class, name = "message"),
        @JsonSubTypes.Type(value = ServerEvent.Joined.class, name = "joined"),
        @JsonSubTypes.Type(value = ServerEvent.Left.class, name = "left"),
        @JsonSubTypes.Type(value = ServerEvent.Ack.class, name = "ack"),
        @JsonSubTypes.Type(value = ServerEvent.Presence.class, name = "presence"),
        @JsonSubTypes.Type(value = ServerEvent.TypingEvent.class, name = "typing"),
        @JsonSubTypes.Type(value = ServerEvent.AssistantStart.class, name = "assistant_start"),
        @JsonSubTypes.Type(value = ServerEvent.AssistantDelta.class, name = "assistant_delta"),
        @JsonSubTypes.Type(value = ServerEvent.AssistantError.class, name = "assistant_error"),
        @JsonSubTypes.Type(value = ServerEvent.CommandResult.class, name = "command_result"),
        @JsonSubTypes.Type(value = ServerEvent.Pong.class, name = "pong"),
        @JsonSubTypes.Type(value = ServerEvent.Error.class, name = "error")
})
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public sealed interface ServerEvent permits MessageView, ServerEvent.Joined, ServerEvent.Left, ServerEvent.Ack,
        ServerEvent.Presence, ServerEvent.TypingEvent, ServerEvent.AssistantStart, ServerEvent.AssistantDelta,
        ServerEvent.AssistantError, ServerEvent.CommandResult, ServerEvent.Pong, ServerEvent.Error {

    /** One member of a room and whether they are online. */
    @RegisterForReflection
    record Member(String user, String status) {
    }

    @RegisterForReflection
    record Joined(String room, long epoch, List<Member> members, List<MessageView> messages, long lastSeq, boolean recovered)
            implements ServerEvent {
    }

    @RegisterForReflection
    record Left(String room) implements ServerEvent {
    }

    @RegisterForReflection
    record Ack(String room, String clientId, long id, long seq, String ts, boolean duplicate) implements ServerEvent {
    }

    @RegisterForReflection
    record Presence(String room, String user, String status) implements ServerEvent {
    }

    @RegisterForReflection
    record TypingEvent(String room, String user, boolean typing) implements ServerEvent {
    }

    /** {@code sender}: the assistant's display name (extension: {@code ASSISTANT_NAME}), so a client labels the stream. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AssistantStart(String room, String turnId, long replyTo, String model, Integer queuePosition, String sender)
            implements ServerEvent {
    }

    @RegisterForReflection
    record AssistantDelta(String room, String turnId, String text) implements ServerEvent {
    }

    @RegisterForReflection
    record AssistantError(String room, String turnId, ErrorCode code, String message) implements ServerEvent {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    /** {@code clientId} (extension): the clientId of the {@code send_message} that carried the command. */
    record CommandResult(String room, String command, String text, Object data, String clientId) implements ServerEvent {
    }

    @RegisterForReflection
    record Pong() implements ServerEvent {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(ErrorCode code, String message, String ref, Long retryAfterMs) implements ServerEvent {
        public static Error of(ProtocolException e, String ref) {
            return new Error(e.code(), e.getMessage(), ref, e.retryAfterMs());
        }
    }
}
