package dev.parley.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** {@code java -jar parley-cli.jar}: the terminal client (SPEC §6). See {@link Options#USAGE}. */
public final class Main {
    static final int USAGE = 1;

    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(Arrays.asList(args), System.getenv(), System.in, System.out, System.err);
        } catch (InterruptedException e) {
            code = 130;
        }
        System.exit(code);
    }

    static ObjectMapper json() {
        return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE, false)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    static int run(List<String> args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err)
            throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args, env);
        } catch (Options.UsageException e) {
            err.println("parley: " + e.getMessage());
            return USAGE;
        }
        if (options.help()) {
            out.print(Options.usage());
            out.flush();
            return 0;
        }
        // the HTTP client (TLS set-up) and Jackson each take a few hundred ms to warm up: side by side, not in turn
        java.util.concurrent.CompletableFuture<HttpClient> httpReady = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
        ObjectMapper json = json();
        HttpClient http = httpReady.join();
        Api api = new Api(http, options.url(), json);
        ScheduledExecutorService owner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-link");
            t.setDaemon(true);
            return t;
        });
        try {
            return options.ask() ? ask(options, api, http, json, owner, in, out, err)
                    : chat(options, api, http, json, owner, err);
        } finally {
            owner.shutdownNow();
        }
    }

    private static int ask(Options options, Api api, HttpClient http, ObjectMapper json, ScheduledExecutorService owner,
            InputStream in, PrintStream out, PrintStream err) throws InterruptedException {
        String question = options.question();
        if (question.equals("-")) {
            try {
                question = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                err.println("parley: cannot read the question from standard input: " + e.getMessage());
                return USAGE;
            }
        }
        if (question.isBlank()) {
            err.println("parley: the question is empty");
            return USAGE;
        }
        if (options.user() == null || options.password() == null) {
            err.println("parley: ask needs --user (or PARLEY_USER) and the PARLEY_PASSWORD environment variable");
            return USAGE;
        }
        Integer refused = login(api, options, options.password(), err);
        if (refused != null) {
            return refused;
        }
        Ask ask = new Ask(options, json, out, err);
        Link link = new Link(http, options.ws(), json, credentials(api, options, options.password()), ask, owner);
        return ask.run(link, question);
    }

    private static int chat(Options options, Api api, HttpClient http, ObjectMapper json, ScheduledExecutorService owner,
            PrintStream err) throws InterruptedException {
        Terminal terminal;
        try {
            terminal = TerminalBuilder.builder().system(true).dumb(true).build();
        } catch (IOException e) {
            err.println("parley: cannot open the terminal: " + e.getMessage());
            return USAGE;
        }
        try (terminal) {
            boolean dumb = terminal.getType().startsWith(Terminal.TYPE_DUMB);
            Set<String> roomNames = ConcurrentHashMap.newKeySet();
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("parley")
                    .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".parley_history"))
                    .completer((r, line, candidates) -> complete(line.words(), line.wordIndex(), roomNames, candidates))
                    .build();
            Screen screen = dumb ? new Screen.Plain(terminal.writer()) : new Screen.Live(reader);
            Renderer render = new Renderer(!dumb && !options.noColor(), ZoneId.systemDefault());
            String user = options.user();
            String password = options.password();
            try {
                if (user == null) {
                    user = reader.readLine("user: ").strip();
                }
                if (password == null) {
                    password = reader.readLine("password: ", '*');
                }
            } catch (UserInterruptException | EndOfFileException e) {
                return USAGE;
            }
            Integer refused = login(api, options.withUser(user), password, err);
            if (refused != null) {
                return refused;
            }
            Chat chat = new Chat(options, api, reader, screen, render, json, user, roomNames);
            Link link = new Link(http, options.ws(), json, credentials(api, options.withUser(user), password), chat, owner);
            preloadRoomNames(api, roomNames);
            return chat.run(link);
        } catch (IOException e) {
            err.println("parley: " + e.getMessage());
            return USAGE;
        }
    }

    /** Logs in or registers; null when it worked, else the exit code after telling why on standard error. */
    private static Integer login(Api api, Options options, String password, PrintStream err) {
        try {
            api.authenticate(options.user(), password, options.register());
            return null;
        } catch (Api.ApiException e) {
            err.println("parley: " + (options.register() ? "registering " : "logging in as ") + options.user() + " failed: "
                    + e.getMessage());
            return e.status() == 0 ? Ask.UNREACHABLE : Ask.REFUSED;
        }
    }

    private static Link.Credentials credentials(Api api, Options options, String password) {
        return new Link.Credentials() {
            @Override
            public String token() {
                return api.token();
            }

            @Override
            public String renew() throws Api.ApiException {
                api.authenticate(options.user(), password, false);
                return api.token();
            }
        };
    }

    private static void preloadRoomNames(Api api, Set<String> roomNames) {
        Thread.ofVirtual().start(() -> {
            try {
                api.rooms().forEach(r -> roomNames.add(r.path("name").asText()));
            } catch (Api.ApiException e) {
                // completion then offers the rooms seen so far; /rooms reports the failure when asked
            }
        });
    }

    /** Tab completion: command names at the start of a line, room names after /join. */
    static void complete(List<String> words, int index, Set<String> roomNames, List<Candidate> candidates) {
        if (index == 0 && (words.isEmpty() || words.get(0).startsWith("/"))) {
            for (String[] c : Command.HELP) {
                candidates.add(new Candidate(c[0], c[0], null, c[2], null, null, true));
            }
        } else if (index == 1 && !words.isEmpty() && words.get(0).equals("/join")) {
            for (String room : roomNames) {
                candidates.add(new Candidate(room));
            }
        }
    }
}
