package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.ClientEvent;
import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ServerEvent;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * The interactive client: reads lines at a prompt (JLine) on the main thread and shows what the link delivers.
 * The listener methods run on the link's owner thread; the few fields both threads read are concurrent.
 */
final class Chat implements Link.Listener {
    private static final long DRAIN_SECONDS = 5;
    private static final long JOIN_WAIT_SECONDS = 10;

    private final Options options;
    private final Api api;
    private final LineReader reader;
    private final Screen screen;
    private final Renderer render;
    private final ObjectMapper json;
    private final String me;
    private volatile String current;
    private volatile Link link;
    private volatile boolean droppedOnce;
    /** The join the prompt waits for (so piped lines go to the room they follow), completed by the listener. */
    private volatile Joining joining;

    private record Joining(String room, java.util.concurrent.CompletableFuture<Boolean> done) {
    }
    /** Turns running, by turnId; read by the prompt thread on Ctrl-C. */
    private final Map<String, ServerEvent.AssistantStart> turns = new ConcurrentHashMap<>();
    private final Set<String> streamed = ConcurrentHashMap.newKeySet();
    /** "room user" of those shown typing, so a refresh of the same streak is not shown again (owner thread only). */
    private final Set<String> typing = new java.util.HashSet<>();
    private final Set<String> roomNames;

    Chat(Options options, Api api, LineReader reader, Screen screen, Renderer render, ObjectMapper json, String me,
            Set<String> roomNames) {
        this.options = options;
        this.api = api;
        this.reader = reader;
        this.screen = screen;
        this.render = render;
        this.json = json;
        this.me = me;
        this.roomNames = roomNames;
    }

    /**
     * Chats until the user quits. Ctrl-C is the client's own for the whole session: JLine turns it into a
     * {@link UserInterruptException} only while it reads a line, and between two reads the terminal's handler would
     * otherwise be the default one, which ends the process on the spot. Here it interrupts this thread instead, so a
     * key pressed while a command runs stops that command's wait, or reaches the next prompt as a Ctrl-C.
     */
    int run(Link link) throws InterruptedException {
        Thread prompt = Thread.currentThread();
        Terminal.SignalHandler before = reader.getTerminal().handle(Terminal.Signal.INT, signal -> prompt.interrupt());
        try {
            return chat(link);
        } finally {
            reader.getTerminal().handle(Terminal.Signal.INT, before);
        }
    }

    private int chat(Link link) throws InterruptedException {
        this.link = link;
        try {
            link.connect().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            screen.line(render.problem(e.getCause() == null ? "cannot connect" : e.getCause().getMessage()));
            return Ask.UNREACHABLE;
        }
        screen.line(render.status("connected to " + options.url() + " as " + me + "; /help lists the commands"));
        join(options.room());
        while (true) {
            String line;
            try {
                line = reader.readLine(prompt());
            } catch (UserInterruptException e) {
                if (interrupted()) {
                    break;
                }
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            if (!handle(Command.parse(line))) {
                break;
            }
        }
        quit();
        return 0;
    }

    private String prompt() {
        String room = current;
        return (room == null ? "" : "#" + room) + "> ";
    }

    /** Ctrl-C: cancels a turn running in the current room, else asks before quitting. True to quit. */
    private boolean interrupted() {
        String room = current;
        for (ServerEvent.AssistantStart turn : turns.values()) {
            if (turn.room().equals(room)) {
                link.sendNow(new ClientEvent.CancelTurn(room, turn.turnId()));
                screen.line(render.status("cancelling the assistant's reply…"));
                return false;
            }
        }
        try {
            String answer = reader.readLine("quit? (y/n) ");
            return answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y");
        } catch (UserInterruptException | EndOfFileException e) {
            return true;
        }
    }

    /** Runs one command; false to quit. */
    boolean handle(Command command) {
        switch (command) {
            case Command.Empty e -> {
            }
            case Command.Quit q -> {
                return false;
            }
            case Command.Say s -> say(s.text());
            case Command.Server s -> say(s.text());
            case Command.Help h -> {
                for (String[] c : Command.HELP) {
                    screen.line(String.format("  %-9s %-22s %s", c[0], c[1], c[2]));
                }
                screen.line(render.status("a line starting with // sends it with one /"));
            }
            case Command.Rooms r -> rooms();
            case Command.Join j -> join(j.room());
            case Command.Leave l -> {
                String room = current;
                if (room == null) {
                    screen.line(render.problem("you are in no room"));
                } else {
                    link.leave(room);
                    current = null;
                    screen.line(render.status("left #" + room));
                }
            }
            case Command.Save s -> save(s.file());
            case Command.Load l -> load(l.file(), l.room());
            case Command.Invalid i -> screen.line(render.problem(i.reason()));
        }
        return true;
    }

    private void say(String text) {
        String room = current;
        if (room == null) {
            screen.line(render.problem("join a room first: /join <room>"));
            return;
        }
        link.say(room, text);
    }

    /** Joins and waits (a little) for the answer, so that the lines typed or piped next go to that room. */
    private void join(String room) {
        String before = current;
        current = room;
        roomNames.add(room);
        Joining waiting = new Joining(room, new java.util.concurrent.CompletableFuture<>());
        joining = waiting;
        link.join(room);
        try {
            if (!waiting.done().get(JOIN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                current = before;
            }
        } catch (TimeoutException e) {
            screen.line(render.status("still joining #" + room + "…"));
        } catch (InterruptedException e) {
            if (waiting.done().isDone()) {
                // the join was answered as the key came: it is a Ctrl-C at the prompt that follows
                Thread.currentThread().interrupt();
            } else {
                // Ctrl-C stops only the wait: the join stays asked for, and its answer is shown when it comes
                screen.line(render.status("still joining #" + room + "…"));
            }
        } catch (ExecutionException e) {
            screen.line(render.problem("joining #" + room + ": " + e.getMessage()));
        }
    }

    private void rooms() {
        try {
            JsonNode list = api.rooms();
            if (list.isEmpty()) {
                screen.line(render.status("no rooms yet: /join <name> creates one"));
            }
            for (JsonNode r : list) {
                String name = r.path("name").asText();
                roomNames.add(name);
                String description = r.path("description").asText("");
                screen.line(String.format("  #%-20s %2d online%s%s", Sanitizer.clean(name), r.path("online").asInt(),
                        r.path("private").asBoolean() ? "  private" : "",
                        description.isBlank() ? "" : "  " + Sanitizer.clean(description).replace("\n", " ")));
            }
        } catch (Api.ApiException e) {
            screen.line(render.problem("listing rooms failed: " + failure(e)));
        }
    }

    private void save(String file) {
        String room = current;
        if (room == null) {
            screen.line(render.problem("join a room first: /join <room>"));
            return;
        }
        try {
            String jsonl = api.export(room, "jsonl");
            String body = file.toLowerCase(java.util.Locale.ROOT).endsWith(".md") ? Transcripts.markdown(jsonl, json) : jsonl;
            Path path = Path.of(file);
            Files.writeString(path, body, StandardCharsets.UTF_8);
            long count = jsonl.lines().filter(l -> l.contains("\"type\":\"message\"")).count();
            screen.line(render.status("saved " + count + " messages of #" + room + " to " + path.toAbsolutePath()));
        } catch (Api.ApiException e) {
            screen.line(render.problem("export failed: " + failure(e)));
        } catch (ClosedByInterruptException e) {
            Thread.interrupted(); // the Ctrl-C that stopped the write is spent
            screen.line(render.problem("writing " + file + " stopped (Ctrl-C)"));
        } catch (IOException e) {
            screen.line(render.problem("cannot write " + file + ": " + e.getMessage()));
        }
    }

    private void load(String file, String requested) {
        String body;
        try {
            body = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (ClosedByInterruptException e) {
            Thread.interrupted(); // the Ctrl-C that stopped the read is spent
            screen.line(render.problem("reading " + file + " stopped (Ctrl-C)"));
            return;
        } catch (IOException e) {
            screen.line(render.problem("cannot read " + file + ": " + e.getMessage()));
            return;
        }
        String room = requested != null ? requested.toLowerCase(java.util.Locale.ROOT) : newRoomName(file);
        try {
            api.createRoom(room);
            JsonNode result = api.importJsonl(room, body);
            screen.line(render.status("imported " + result.path("imported").asInt() + " messages into #" + room));
            join(room);
        } catch (Api.ApiException e) {
            screen.line(render.problem("/load into #" + room + " failed: " + failure(e)
                    + (e.status() == 409 && requested != null ? " (give another room name)" : "")));
        }
    }

    /** Why a call failed; a call that Ctrl-C stopped has spent the key press, so the prompt does not see it again. */
    private static String failure(Api.ApiException e) {
        if (e.code().equals(Api.CANCELLED)) {
            Thread.interrupted();
            return "stopped (Ctrl-C)";
        }
        return e.getMessage();
    }

    /** A new room's name from the file's: {@code notes.jsonl} → {@code notes-1a2b3c}. */
    static String newRoomName(String file) {
        String base = Path.of(file).getFileName().toString().replaceFirst("(?i)\\.jsonl$", "").toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9_-]", "-").replaceAll("^[^a-z0-9]+", "");
        if (base.length() > 50) {
            base = base.substring(0, 50);
        }
        return (base.isEmpty() ? "imported" : base) + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Waits a little for lines still unacked (a pipe's last lines; Ctrl-C stops the wait), then closes. */
    private void quit() throws InterruptedException {
        try {
            int waiting = link.unacked().get(2, TimeUnit.SECONDS);
            if (waiting > 0) {
                screen.line(render.status("sending " + waiting + " unsent line(s)… (Ctrl-C stops waiting)"));
                try {
                    link.drained().get(DRAIN_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    screen.line(render.problem(link.unacked().get(2, TimeUnit.SECONDS)
                            + " line(s) were not acked by the server and may be lost"));
                } catch (InterruptedException e) {
                    screen.line(render.problem("stopped waiting: " + link.unacked().get(2, TimeUnit.SECONDS)
                            + " line(s) not acked by the server may be lost"));
                }
            }
            link.close().get(3, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            screen.line(render.problem("closing: " + e.getMessage()));
        }
        screen.line(render.status("bye"));
    }

    // ---- listener: runs on the link's owner thread ----

    @Override
    public void onEvent(ServerEvent event) {
        switch (event) {
            case ServerEvent.Joined j -> {
                roomNames.add(j.room());
                long online = j.members().stream().filter(m -> m.status().equals("online")).count();
                screen.line(render.status("joined #" + j.room() + " (" + online + " online)"));
                for (MessageView m : j.messages()) {
                    show(m);
                }
                Joining waiting = joining;
                if (waiting != null && waiting.room().equals(j.room())) {
                    waiting.done().complete(true);
                }
            }
            case MessageView m -> show(m);
            case ServerEvent.Presence p -> {
                if (!p.user().equals(me)) {
                    screen.line(render.status(where(p.room()) + p.user() + " is " + p.status()));
                }
            }
            case ServerEvent.TypingEvent t -> {
                if (!t.typing()) {
                    typing.remove(t.room() + " " + t.user());
                } else if (!t.user().equals(me) && typing.add(t.room() + " " + t.user())) {
                    screen.line(render.status(where(t.room()) + t.user() + " is typing…"));
                }
            }
            case ServerEvent.AssistantStart s -> {
                turns.put(s.turnId(), s);
                if (s.queuePosition() != null && s.queuePosition() > 0) {
                    screen.line(render.status(where(s.room()) + "the assistant's reply is queued (#" + s.queuePosition() + ")"));
                }
            }
            case ServerEvent.AssistantDelta d -> {
                streamed.add(d.turnId());
                ServerEvent.AssistantStart start = turns.get(d.turnId());
                String sender = start == null || start.sender() == null ? options.assistant() : start.sender();
                screen.stream(d.turnId(), where(d.room()) + render.streamPrefix(null, sender), render.piece(d.text()));
            }
            case ServerEvent.AssistantError e -> {
                if (e.turnId() != null) {
                    turns.remove(e.turnId());
                    streamed.remove(e.turnId());
                    screen.endStream(e.turnId());
                }
                screen.line(render.problem(where(e.room()) + "assistant: " + e.code().wire() + ": " + e.message()));
            }
            case ServerEvent.CommandResult c -> {
                for (String line : Sanitizer.clean(c.text()).split("\n")) {
                    screen.line("  " + line);
                }
            }
            case ServerEvent.Error e -> screen.line(render.problem(e.code().wire() + ": " + e.message()
                    + (e.retryAfterMs() != null ? " (retry in " + (e.retryAfterMs() + 999) / 1000 + " s)" : "")));
            case ServerEvent.Left l -> {
                if (l.room().equals(current)) {
                    current = null;
                }
            }
            case ServerEvent.Ack a -> {
            }
            case ServerEvent.Pong p -> {
            }
        }
    }

    private void show(MessageView m) {
        typing.remove(m.room() + " " + m.sender());
        String prefix = where(m.room());
        if (m.kind() == MessageKind.ASSISTANT && m.turnId() != null) {
            turns.remove(m.turnId());
            if (streamed.remove(m.turnId())) {
                // its text is on screen already, streamed piece by piece
                screen.endStream(m.turnId());
                if (Boolean.TRUE.equals(m.cancelled())) {
                    screen.line(render.status("(cancelled)"));
                }
                return;
            }
        }
        List<String> lines = render.message(m);
        for (String line : lines) {
            screen.line(prefix + line);
        }
    }

    /** A room tag for events of a room other than the current one. */
    private String where(String room) {
        return room == null || room.equals(current) ? "" : "[#" + room + "] ";
    }

    @Override
    public void onStatus(String status, boolean connected) {
        if (!connected) {
            droppedOnce = true;
            screen.line(render.status(status));
        } else if (droppedOnce) {
            screen.line(render.status("reconnected"));
        }
    }

    @Override
    public void onJoinRefused(String room, ServerEvent.Error error) {
        screen.line(render.problem("cannot join #" + room + ": " + error.code().wire() + ": " + error.message()));
        Joining waiting = joining;
        if (waiting != null && waiting.room().equals(room)) {
            waiting.done().complete(false);
        }
        if (room.equals(current)) {
            current = null;
        }
    }

    @Override
    public void onRoomReset(String room, int droppedLines) {
        screen.line(render.problem("#" + room + " was deleted and created again"
                + (droppedLines > 0 ? "; " + droppedLines + " unsent line(s) were dropped" : "")));
    }
}
