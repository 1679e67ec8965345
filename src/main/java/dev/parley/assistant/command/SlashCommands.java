package dev.parley.assistant.command;

import dev.parley.assistant.AssistantConfig;
import dev.parley.assistant.AssistantWorker;
import dev.parley.assistant.ModelCatalog;
import dev.parley.assistant.provider.ProviderException;
import dev.parley.auth.Caller;
import dev.parley.chat.ChatSession;
import dev.parley.chat.Outbox;
import dev.parley.chat.SendOutcome;
import dev.parley.message.Draft;
import dev.parley.message.MessageWriter;
import dev.parley.presence.PresenceTracker;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.ServerEvent;
import dev.parley.room.Room;
import dev.parley.room.RoomService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * SPEC's slash commands. {@code /model <id>} and {@code /clear} are announced to the room as system messages (the
 * command is acknowledged with that message); {@code /help}, {@code /models}, {@code /who} and {@code /model}
 * without an id answer the sender alone with {@code command_result}, carrying the command's {@code clientId}, and are
 * not acknowledged. {@code /model <id>} is for the room's owner and admins, like {@code PATCH}.
 */
@Singleton
public class SlashCommands {
    static final String SYSTEM_SENDER = "system";
    private final AssistantConfig config;
    private final MessageWriter writer;
    private final RoomService rooms;
    private final PresenceTracker presence;
    private final ModelCatalog catalog;
    private final AssistantWorker worker;
    private final Outbox outbox;
    private final SecurityIdentity identity;

    SlashCommands(AssistantConfig config, MessageWriter writer, RoomService rooms, PresenceTracker presence, ModelCatalog catalog,
            AssistantWorker worker, Outbox outbox, SecurityIdentity identity) {
        this.config = config;
        this.writer = writer;
        this.rooms = rooms;
        this.presence = presence;
        this.catalog = catalog;
        this.worker = worker;
        this.outbox = outbox;
        this.identity = identity;
    }

    /** True when the text is a command (starts with {@code /} followed by a letter). */
    public static boolean isCommand(String text) {
        return text != null && text.length() > 1 && text.charAt(0) == '/' && Character.isLetter(text.charAt(1));
    }

    /** Runs a command; the future holds the system message it stored, or the command_result it answered the sender with. */
    public CompletableFuture<SendOutcome> run(ChatSession session, Draft draft) {
        String[] parts = draft.text().strip().split("\\s+", 2);
        String command = parts[0].substring(1).toLowerCase(Locale.ROOT);
        String argument = parts.length > 1 ? parts[1].strip() : "";
        return switch (command) {
            case "help" -> answer(session, draft, command, help(), null);
            case "who" -> who(session, draft);
            case "models" -> {
                // asking the providers can take a while: off the socket's thread
                CompletableFuture<SendOutcome> answered = new CompletableFuture<>();
                worker.async(() -> {
                    try {
                        List<ModelCatalog.Entry> models = catalog.list();
                        answered.complete(answer(session, draft, command, modelsText(models, roomModel(draft.roomId())),
                                Map.of("models", models, "current", roomModel(draft.roomId()))).join());
                    } catch (RuntimeException e) {
                        answered.completeExceptionally(e);
                    }
                });
                yield answered;
            }
            case "model" -> argument.isEmpty()
                    ? answer(session, draft, command, "The model of this room is " + roomModel(draft.roomId()) + ". Change it with /model provider/model.",
                            Map.of("model", roomModel(draft.roomId())))
                    : setModel(session, draft, argument);
            case "clear" -> clear(draft);
            default -> throw new ProtocolException(ErrorCode.BAD_REQUEST, "unknown command /" + command + "; /help lists the commands");
        };
    }

    /** Answers the sender alone; the answer names the {@code clientId} of the message that carried the command. */
    private CompletableFuture<SendOutcome> answer(ChatSession session, Draft draft, String command, String text, Object data) {
        ServerEvent.CommandResult result = new ServerEvent.CommandResult(draft.room(), command, text, data, draft.clientId());
        if (session != null) {
            session.send(outbox.encode(result));
        }
        return CompletableFuture.completedFuture(new SendOutcome.Answered(result));
    }

    private String help() {
        String name = config.assistantName();
        return String.join("\n",
                "Mention @" + name + " to ask the assistant (or set the room's assistant mode to always).",
                "/help            this list",
                "/models          the models the providers offer",
                "/model <id>      set this room's model, e.g. /model ollama/llama3.2 (owner or admin; without an id: show it)",
                "/clear           start the assistant's context afresh from here (history is kept)",
                "/who             who is in this room and online");
    }

    private CompletableFuture<SendOutcome> who(ChatSession session, Draft draft) {
        List<String> members = QuarkusTransaction.requiringNew().call(() -> {
            Room r = Room.findById(draft.roomId());
            return r == null ? List.<String>of() : r.members();
        });
        List<String> online = presence.online(draft.room()).stream().sorted().toList();
        List<String> offline = new ArrayList<>(members.stream().filter(m -> !online.contains(m)).sorted().toList());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("online", online);
        data.put("offline", offline);
        String text = "Online: " + (online.isEmpty() ? "nobody" : String.join(", ", online))
                + (offline.isEmpty() ? "" : "\nOffline members: " + String.join(", ", offline));
        return answer(session, draft, "who", text, data);
    }

    private String roomModel(long roomId) {
        String model = QuarkusTransaction.requiringNew().call(() -> {
            Room r = Room.findById(roomId);
            return r == null ? null : r.model;
        });
        return model == null ? config.model() : model;
    }

    private static String modelsText(List<ModelCatalog.Entry> models, String current) {
        StringBuilder text = new StringBuilder("This room uses " + current + ".");
        for (ModelCatalog.Entry m : models) {
            text.append('\n').append(m.id()).append(m.available() ? "" : " (unavailable)");
        }
        return text.toString();
    }

    private CompletableFuture<SendOutcome> setModel(ChatSession session, Draft draft, String id) {
        // over REST there is no session: the command runs on the request's thread, under the caller's identity
        Caller caller = session != null ? session.caller() : Caller.of(identity);
        boolean allowed = QuarkusTransaction.requiringNew().call(() -> {
            Room r = Room.findById(draft.roomId());
            return r != null && RoomService.canManage(r, caller);
        });
        if (!allowed) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "only the room's owner or an admin may change its model");
        }
        try {
            catalog.validate(id);
        } catch (IllegalArgumentException | ProviderException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
        rooms.setModel(draft.roomId(), draft.room(), id);
        return writer.submit(Draft.system(draft.roomId(), draft.room(), SYSTEM_SENDER,
                draft.sender() + " set the assistant's model to " + id)).thenApply(SendOutcome.Saved::new);
    }

    /** Stores the notice, then moves the room's context boundary to it before the command is acknowledged. */
    private CompletableFuture<SendOutcome> clear(Draft draft) {
        return writer.submit(Draft.system(draft.roomId(), draft.room(), SYSTEM_SENDER,
                draft.sender() + " cleared the assistant's context")).thenApplyAsync(stored -> {
                    long seq = stored.message().seq();
                    QuarkusTransaction.requiringNew().run(() -> Room.update("clearedSeq = ?1 where id = ?2 and clearedSeq < ?1", seq, draft.roomId()));
                    return (SendOutcome) new SendOutcome.Saved(stored);
                }, worker::async);
    }
}
