package dev.parley.cli;

import java.util.List;

/** What a line typed at the prompt asks for (SPEC §6). Parsed by {@link #parse}. */
public sealed interface Command {

    /** The commands, their arguments and what they do, for {@code /help} and completion. */
    List<String[]> HELP = List.of(
            new String[] {"/help", "", "this list"},
            new String[] {"/rooms", "", "the rooms you can see"},
            new String[] {"/join", "<room>", "join (or create) a room and make it current"},
            new String[] {"/leave", "", "leave the current room"},
            new String[] {"/who", "", "who is in the room"},
            new String[] {"/models", "", "the models the server offers"},
            new String[] {"/model", "<id>", "set the room's model (owner or admin); alias /switch"},
            new String[] {"/switch", "<id>", "same as /model"},
            new String[] {"/clear", "", "start the assistant's context afresh (history is kept)"},
            new String[] {"/save", "<file.md|file.jsonl>", "save the room's transcript (readable, or the export format)"},
            new String[] {"/load", "<file.jsonl> [room]", "import a saved .jsonl transcript into a new room and join it"},
            new String[] {"/quit", "", "leave (Ctrl-D too)"});

    /** A line to send to the current room. */
    record Say(String text) implements Command {
    }

    /** A command the server answers: {@code /who}, {@code /models}, {@code /model <id>}, {@code /clear}, and any
     * slash command the client does not know, sent as the message text. */
    record Server(String text) implements Command {
    }

    record Help() implements Command {
    }

    record Rooms() implements Command {
    }

    record Join(String room) implements Command {
    }

    record Leave() implements Command {
    }

    record Save(String file) implements Command {
    }

    record Load(String file, String room) implements Command {
    }

    record Quit() implements Command {
    }

    /** A command typed wrongly: what to tell the user. */
    record Invalid(String reason) implements Command {
    }

    /** Nothing to do (an empty line). */
    record Empty() implements Command {
    }

    static Command parse(String line) {
        String text = line == null ? "" : line.strip();
        if (text.isEmpty()) {
            return new Empty();
        }
        if (!text.startsWith("/") || text.startsWith("//")) {
            // "//text" sends "/text" literally
            return new Say(text.startsWith("//") ? text.substring(1) : line.stripTrailing());
        }
        String[] parts = text.split("\\s+");
        String name = parts[0].toLowerCase(java.util.Locale.ROOT);
        String arg = parts.length > 1 ? parts[1] : null;
        int args = parts.length - 1;
        return switch (name) {
            case "/help", "/?" -> new Help();
            case "/rooms" -> new Rooms();
            case "/join" -> args == 1 ? new Join(arg.toLowerCase(java.util.Locale.ROOT)) : new Invalid("usage: /join <room>");
            case "/leave" -> new Leave();
            case "/who", "/models", "/clear" -> new Server(name);
            case "/model", "/switch" -> args == 1 ? new Server("/model " + arg) : new Invalid("usage: " + name + " <provider/model>");
            case "/save" -> args == 1 ? saveOf(arg) : new Invalid("usage: /save <file.md|file.jsonl>");
            case "/load" -> args == 1 || args == 2 ? loadOf(arg, args == 2 ? parts[2] : null)
                    : new Invalid("usage: /load <file.jsonl> [room]");
            case "/quit", "/exit" -> new Quit();
            default -> new Server(text);
        };
    }

    private static Command saveOf(String file) {
        String lower = file.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".md") || lower.endsWith(".jsonl") ? new Save(file)
                : new Invalid("/save writes .md (readable) or .jsonl (the export format)");
    }

    private static Command loadOf(String file, String room) {
        return file.toLowerCase(java.util.Locale.ROOT).endsWith(".jsonl") ? new Load(file, room)
                : new Invalid("/load reads a .jsonl transcript (saved with /save file.jsonl)");
    }
}
