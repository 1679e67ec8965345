package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.assistant.standin.OllamaStandIn;
import dev.parley.durability.ServerProcess;
import dev.parley.support.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * SPEC §6 end to end: the packaged server (one start for the class, the assistant answered by the Ollama stand-in)
 * and the packaged client {@code target/parley-cli.jar} driven over pipes, as a person in a chat and as a script
 * with {@code ask}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct horse";
    private static OllamaStandIn ollama;
    private static ServerProcess server;
    private static Path work;

    @BeforeAll
    static void startServer() throws Exception {
        ollama = new OllamaStandIn();
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cli-it-");
        server = new ServerProcess(Files.createDirectories(work.resolve("server")), Map.of(
                "OLLAMA_BASE_URL", ollama.baseUrl(), "LLM_MODEL", "ollama/llama3.2", "LLM_RATE_LIMIT", "1000",
                "LLM_MAX_RETRIES", "0", "LLM_CACHE_TTL", "0s")).start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
        if (ollama != null) {
            ollama.close();
        }
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    private static Map<String, String> env(String user) {
        return Map.of("PARLEY_URL", server.base().toString(), "PARLEY_USER", user, "PARLEY_PASSWORD", PASSWORD);
    }

    private static String register(String user) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve("/api/auth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("username", user, "password", PASSWORD))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        return JSON.readTree(r.body()).path("token").asText();
    }

    @Test
    @Order(1)
    void aPersonChatsWithOthersAndTheAssistantSavesLoadsAndQuits() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        String room = unique("cli-");
        String bobToken = register(bob);
        Path home = Files.createDirectories(work.resolve(alice));

        try (CliProcess cli = CliProcess.startInTerminal(home, env(alice), "--register", "--room", room, "--no-color")) {
            int at = cli.awaitOut("joined #" + room);

            try (WsClient bobWs = WsClient.bearer(server.base(), bobToken)) {
                bobWs.join(room);
                at = cli.awaitOut(at, bob + " is online");

                // another user's message, and one that tries to drive the terminal
                bobWs.say(room, "b1", "hi from bob");
                at = cli.awaitOut(at, bob + ": hi from bob");
                bobWs.say(room, "b2", "\u001B]0;pwned\u0007\u001B[2Jsneaky\u001B[31m text");
                at = cli.awaitOut(at, bob + ": sneaky text");
                assertThat(cli.out()).doesNotContain("pwned").doesNotContain("\u001B[31m").doesNotContain("\u001B]0;");

                // a line typed in the client reaches the others
                cli.type("hello from alice");
                bobWs.await("message", m -> m.path("sender").asText().equals(alice)
                        && m.path("text").asText().equals("hello from alice"));
                at = cli.awaitOut(at, alice + ": hello from alice");

                // the assistant's reply streams in place: the first piece shows before the rest exists
                CountDownLatch rest = ollama.replyHeld("Streamed", " reply", " arrives.");
                cli.type("@assistant stream please");
                at = cli.awaitOut(at, "assistant: Streamed");
                assertThat(cli.out().substring(at)).doesNotContain("reply");
                rest.countDown();
                at = cli.awaitOut(at, " reply arrives.");
                assertThat(cli.out()).contains("assistant: Streamed reply arrives.");

                // Ctrl-C while the assistant answers cancels the turn, and the client keeps running
                CountDownLatch never = ollama.replyHeld("Half", " of it");
                cli.type("@assistant a long answer");
                at = cli.awaitOut(at, "assistant: Half");
                cli.press('\u0003');
                at = cli.awaitOut(at, "(cancelled)");
                bobWs.await("message", m -> m.path("kind").asText().equals("assistant") && m.path("cancelled").asBoolean());
                never.countDown();

                // the server restarts: the client says so, comes back, and what was typed meanwhile is sent once
                server.kill();
                at = cli.awaitOut(at, "reconnecting…");
                cli.type("typed while away");
                server.start();
                at = cli.awaitOut(at, "reconnected");
                at = cli.awaitOut(at, alice + ": typed while away");
            }
            try (WsClient bobAgain = WsClient.bearer(server.base(), bobToken)) {
                JsonNode joined = bobAgain.join(room);
                long copies = 0;
                for (JsonNode m : joined.path("messages")) {
                    copies += m.path("text").asText().equals("typed while away") ? 1 : 0;
                }
                assertThat(copies).as("the line typed while away is stored once").isEqualTo(1);
            }

            Path md = home.resolve("room.md");
            Path jsonl = home.resolve("room.jsonl");
            cli.type("/save " + md);
            at = cli.awaitOut(at, "to " + md);
            cli.type("/save " + jsonl);
            at = cli.awaitOut(at, "to " + jsonl);
            assertThat(Files.readString(md)).contains("# " + room, "**" + bob + "**", "hi from bob", "hello from alice",
                    "Streamed reply arrives.");
            long messageLines = Files.readAllLines(jsonl).stream().filter(l -> l.contains("\"type\":\"message\"")).count();
            assertThat(messageLines).isGreaterThanOrEqualTo(7);

            String copy = unique("copy-");
            cli.type("/load " + jsonl + " " + copy);
            at = cli.awaitOut(at, "imported " + messageLines + " messages into #" + copy);
            at = cli.awaitOut(at, "joined #" + copy);
            at = cli.awaitOut(at, bob + ": hi from bob");
            at = cli.awaitOut(at, "#" + copy + "> "); // the prompt: the client reads keys again

            // Ctrl-C at the prompt asks first; "n" keeps the session
            cli.press('\u0003');
            at = cli.awaitOut(at, "quit? (y/n)");
            cli.type("n");
            cli.type("still here");
            at = cli.awaitOut(at, alice + ": still here");

            cli.type("/quit");
            cli.awaitOut(at, "bye");
            assertThat(cli.exitCode()).isZero();
            Files.writeString(home.resolve("session.txt"), cli.out()); // kept for reading (docs/cli.md)
        }
        assertThat(Files.exists(home.resolve(".parley_history"))).as("history is kept in the user's home").isTrue();
    }

    @Test
    @Order(2)
    void inAPipeLinesAreSentAndTheEndOfInputQuits() throws Exception {
        String user = unique("piper");
        register(user);
        String room = unique("pipe-");
        Path home = Files.createDirectories(work.resolve(user));
        try (CliProcess cli = CliProcess.start(home, env(user), "--room", room)) {
            int at = cli.awaitOut("joined #" + room);
            cli.type("a piped line");
            cli.awaitOut(at, user + ": a piped line");
            cli.closeInput();
            assertThat(cli.exitCode()).isZero();
            assertThat(cli.out()).doesNotContain("\u001B").contains("bye");
        }
    }

    @Test
    @Order(3)
    void askPrintsOnlyTheReplyAndExitsZero() throws Exception {
        String user = unique("script");
        register(user);
        Path home = Files.createDirectories(work.resolve(user));
        ollama.reply("Four", ".");
        try (CliProcess ask = CliProcess.start(home, env(user), "--room", unique("ask-"), "ask", "what is 2+2?")) {
            assertThat(ask.exitCode()).isZero();
            assertThat(ask.out()).isEqualTo("Four." + System.lineSeparator());
        }
    }

    @Test
    @Order(4)
    void askReadsTheQuestionFromAPipeAndPrintsTheStoredMessageAsJson() throws Exception {
        String user = unique("script");
        register(user);
        Path home = Files.createDirectories(work.resolve(user));
        ollama.reply("From", " a pipe.");
        try (CliProcess ask = CliProcess.start(home, env(user), "--room", unique("ask-"), "--json", "ask", "-")) {
            ask.type("a question from stdin");
            ask.closeInput();
            assertThat(ask.exitCode()).as(ask.err()).isZero();
            JsonNode reply = JSON.readTree(ask.out());
            assertThat(reply.path("text").asText()).isEqualTo("From a pipe.");
            assertThat(reply.path("kind").asText()).isEqualTo("assistant");
            assertThat(reply.path("model").asText()).isEqualTo("ollama/llama3.2");
            assertThat(reply.path("turnId").asText()).isNotBlank();
            assertThat(reply.has("usage")).isTrue();
        }
        String asked = ollama.chatRequests().getLast().body().toString();
        assertThat(asked).contains("a question from stdin");
    }

    @Test
    @Order(5)
    void askFailsWithAnExitCodeAndNothingOnStandardOutput() throws Exception {
        String user = unique("script");
        register(user);
        Path home = Files.createDirectories(work.resolve(user));

        Map<String, String> wrongPassword = Map.of("PARLEY_URL", server.base().toString(), "PARLEY_USER", user,
                "PARLEY_PASSWORD", "not the password");
        try (CliProcess ask = CliProcess.start(home, wrongPassword, "ask", "hello?")) {
            assertThat(ask.exitCode()).isEqualTo(2);
            assertThat(ask.out()).isEmpty();
            assertThat(ask.err()).contains("failed");
        }

        try (CliProcess ask = CliProcess.start(home, env(user), "--url", "http://127.0.0.1:9", "ask", "anyone?")) {
            assertThat(ask.exitCode()).isEqualTo(5);
            assertThat(ask.out()).isEmpty();
        }

        try (CliProcess ask = CliProcess.start(home, env(user), "ask")) {
            assertThat(ask.exitCode()).isEqualTo(1);
            assertThat(ask.err()).contains("question");
        }

        ollama.fail(1, 500, Map.of());
        try (CliProcess ask = CliProcess.start(home, env(user), "--room", unique("ask-"), "ask", "will this fail?")) {
            assertThat(ask.exitCode()).isEqualTo(3);
            assertThat(ask.out()).isEmpty();
            assertThat(ask.err()).contains("the assistant failed");
        }
    }

    @Test
    @Order(6)
    void helpListsEveryFlagAndCommand() throws Exception {
        try (CliProcess help = CliProcess.start(work, Map.of(), "--help")) {
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("--url", "--user", "--room", "--register", "PARLEY_PASSWORD", "/load", "ask -");
        }
    }

    /**
     * Ctrl-C pressed while the client is busy outside the line editor (here: waiting on /quit for acks from a server
     * that stopped answering) is handled by the client, not left to end the process: it stops the wait and says what
     * may be lost.
     */
    @Test
    @Order(7)
    void ctrlCWhileQuittingStopsTheWaitForAcksAndSaysWhatMayBeLost() throws Exception {
        String user = unique("quitter");
        Path home = Files.createDirectories(work.resolve(user));
        try (CliProcess cli = CliProcess.startInTerminal(home, env(user), "--register", "--room", unique("quit-"), "--no-color")) {
            int at = cli.awaitOut("joined #");
            signal(server.pid(), "STOP");
            try {
                cli.type("a line the server never acks");
                cli.type("/quit");
                at = cli.awaitOut(at, "sending 1 unsent line(s)");
                cli.press('\u0003');
                at = cli.awaitOut(at, "stopped waiting: 1 line(s) not acked by the server may be lost");
                cli.awaitOut(at, "bye");
                assertThat(cli.exitCode()).isZero();
            } finally {
                signal(server.pid(), "CONT");
            }
        }
    }

    /**
     * Ctrl-C while a command waits for a server that stopped answering stops that wait, says so and is spent: the
     * client goes on at its prompt without asking to quit. The key is pressed once the line editor returned the
     * command ({@link #awaitAccepted}), so it cannot reach the line editor instead.
     */
    @Test
    @Order(8)
    void ctrlCWhileACommandWaitsStopsOnlyThatWait() throws Exception {
        String user = unique("waiter");
        String other = unique("other-");
        Path home = Files.createDirectories(work.resolve(user));
        String room = unique("wait-");
        try (CliProcess cli = CliProcess.startInTerminal(home, env(user), "--register", "--room", room, "--no-color")) {
            int at = cli.awaitOut("joined #");
            signal(server.pid(), "STOP");
            try {
                at = cli.awaitOut(at, "#" + room + "> "); // at the prompt: the line goes to the line editor
                cli.type("/rooms");
                at = awaitAccepted(cli, at, "/rooms");
                cli.press('\u0003');
                at = cli.awaitOut(at, "listing rooms failed: stopped (Ctrl-C)");

                at = cli.awaitOut(at, "#" + room + "> ");
                cli.type("/join " + other);
                at = awaitAccepted(cli, at, "/join " + other);
                cli.press('\u0003');
                at = cli.awaitOut(at, "still joining #" + other + "…");
            } finally {
                signal(server.pid(), "CONT");
            }
            at = cli.awaitOut(at, "joined #" + other);
            cli.type("still chatting");
            int said = cli.awaitOut(at, user + ": still chatting");
            assertThat(cli.out().substring(at, said)).doesNotContain("quit?");
        }
    }

    /**
     * Waits until the line editor has returned {@code line}: JLine leaves the terminal's keypad mode (xterm's
     * {@code rmkx}, ESC [ ? 1 l ESC >) as it returns a line, after echoing it.
     */
    private static int awaitAccepted(CliProcess cli, int from, String line) {
        return cli.awaitOut(cli.awaitOut(from, line), "\u001B[?1l\u001B>");
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor())
                .as("kill -" + signal).isZero();
    }
}
