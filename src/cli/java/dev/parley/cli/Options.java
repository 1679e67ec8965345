package dev.parley.cli;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** Flags and environment (SPEC §6). Flags win over the environment. */
public record Options(URI url, String user, String password, String room, boolean register, String assistant,
        boolean ask, String question, boolean json, int timeoutSeconds, boolean help, boolean noColor) {

    public static final String USAGE = """
            Parley terminal client

            Usage:
              java -jar parley-cli.jar [options]                       chat in a terminal
              java -jar parley-cli.jar [options] ask "question"       ask the assistant once (for scripts)
              echo "question" | java -jar parley-cli.jar [options] ask -

            Options:
              --url URL           server address (env PARLEY_URL, default http://localhost:8080)
              --user NAME         username (env PARLEY_USER; asked for when missing in a terminal)
              --room ROOM         room to join at start, and the room of `ask` (env PARLEY_ROOM, default general)
              --register          create the account first (otherwise log in)
              --assistant NAME    the assistant's name the question mentions in `ask` (env PARLEY_ASSISTANT,
                                  default assistant)
              --json              `ask` prints the stored assistant message as JSON (model, usage, turnId…)
              --timeout SECONDS   how long `ask` waits for the reply (default 300)
              --no-color          plain output without colours
              -h, --help          this text

            The password comes from the environment variable PARLEY_PASSWORD, else a prompt (never a flag, so it
            stays out of shell history and process lists).

            In the chat, type a line to send it. Commands:
            %s
            Keys: Ctrl-R searches history (kept in ~/.parley_history), Tab completes commands and room names,
            Ctrl-C during an assistant reply cancels it, Ctrl-C at the prompt asks before quitting, Ctrl-D quits.

            `ask` prints only the reply on standard output and exits 0; errors go to standard error with exit
            codes 1 (usage), 2 (refused by the server: login, room, rate limit…), 3 (the assistant failed or was
            cancelled), 4 (no reply within --timeout), 5 (server unreachable).
            """;

    public static String usage() {
        StringBuilder commands = new StringBuilder();
        for (String[] c : Command.HELP) {
            commands.append(String.format("  %-9s %-22s %s%n", c[0], c[1], c[2]));
        }
        return USAGE.formatted(commands.toString().stripTrailing());
    }

    /** A command line that cannot be understood. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    public static Options parse(List<String> args, Map<String, String> env) throws UsageException {
        String url = env.getOrDefault("PARLEY_URL", "http://localhost:8080");
        String user = env.get("PARLEY_USER");
        String password = env.get("PARLEY_PASSWORD");
        String room = env.getOrDefault("PARLEY_ROOM", "general");
        String assistant = env.getOrDefault("PARLEY_ASSISTANT", "assistant");
        boolean register = false;
        boolean ask = false;
        String question = null;
        boolean json = false;
        boolean help = false;
        boolean noColor = env.containsKey("NO_COLOR");
        int timeout = 300;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--url" -> url = value(args, ++i, a);
                case "--user" -> user = value(args, ++i, a);
                case "--room" -> room = value(args, ++i, a);
                case "--assistant" -> assistant = value(args, ++i, a);
                case "--register" -> register = true;
                case "--json" -> json = true;
                case "--no-color" -> noColor = true;
                case "-h", "--help" -> help = true;
                case "--timeout" -> {
                    try {
                        timeout = Integer.parseInt(value(args, ++i, a));
                    } catch (NumberFormatException e) {
                        throw new UsageException("--timeout needs a number of seconds");
                    }
                }
                case "ask" -> {
                    ask = true;
                    if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                        question = args.get(++i);
                    }
                }
                default -> throw new UsageException("unknown argument: " + a + " (see --help)");
            }
        }
        if (ask && question == null && !help) {
            throw new UsageException("ask needs a question, or - to read it from standard input");
        }
        if (json && !ask) {
            throw new UsageException("--json is for ask");
        }
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url : url + "/");
            if (base.getScheme() == null || !base.getScheme().matches("https?") || base.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--url must be an http:// or https:// address, got " + url);
        }
        return new Options(base, user, password, room, register, assistant, ask, question, json, timeout, help, noColor);
    }

    private static String value(List<String> args, int i, String flag) throws UsageException {
        if (i >= args.size()) {
            throw new UsageException(flag + " needs a value");
        }
        return args.get(i);
    }

    public Options withUser(String name) {
        return new Options(url, name, password, room, register, assistant, ask, question, json, timeoutSeconds, help, noColor);
    }

    /** The WebSocket address of the server. */
    public URI ws() {
        return URI.create((url.getScheme().equals("https") ? "wss" : "ws") + url.toString().substring(url.getScheme().length())).resolve("ws");
    }
}
