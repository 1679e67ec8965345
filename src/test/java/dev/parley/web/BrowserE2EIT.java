package dev.parley.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.parley.assistant.standin.OllamaStandIn;
import dev.parley.durability.ServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the web client's browser tests ({@code frontend/e2e}, playwright-core driving Debian's Chromium) against
 * the packaged server, which serves the client itself. The tests restart the server through a small control
 * endpoint ({@code PARLEY_RESTART_CMD}); the assistant answers through a stand-in Ollama.
 *
 * <p>Every scenario declared in the test file must run and pass: a scenario skipped (a missing condition, or one
 * that gave up because an earlier one failed) fails this test, as does a run of fewer or more scenarios than the
 * file declares.
 */
class BrowserE2EIT {
    private static final OllamaStandIn OLLAMA = new OllamaStandIn();
    private static final Path SCENARIOS = Path.of("frontend", "e2e", "chat.e2e.test.mjs");
    /** A scenario declaration in the test file: {@code test(} at the start of a line. */
    private static final Pattern DECLARATION = Pattern.compile("^\\s*test\\(", Pattern.MULTILINE);

    @Test
    void theWebClientPassesItsBrowserTestsAgainstThePackagedServer() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "e2e-");
        Map<String, String> env = new HashMap<>();
        // the assistant answers through a stand-in Ollama speaking Ollama's real NDJSON stream
        env.put("OLLAMA_BASE_URL", OLLAMA.baseUrl());
        env.put("LLM_MODEL", "ollama/llama3.2");
        try (ServerProcess server = new ServerProcess(data, env).start()) {
            HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            control.createContext("/restart", exchange -> {
                int status = 200;
                try {
                    server.restart();
                } catch (IOException | InterruptedException | RuntimeException e) {
                    status = 500;
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            control.start();
            try {
                String restart = "node -e \"fetch('http://127.0.0.1:" + control.getAddress().getPort()
                        + "/restart',{method:'POST'}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))\"";
                Path log = data.resolve("e2e.log");
                ProcessBuilder npm = new ProcessBuilder(List.of("npm", "run", "e2e")).directory(Path.of("frontend").toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                npm.environment().put("PARLEY_URL", server.base().toString());
                npm.environment().put("PARLEY_RESTART_CMD", restart);
                npm.environment().put("PARLEY_ASSISTANT", "1");
                Process process = npm.start();
                boolean finished = process.waitFor(15, TimeUnit.MINUTES);
                String output = Files.readString(log, StandardCharsets.UTF_8);
                System.out.println(output);
                assertThat(finished).as("e2e finished in time").isTrue();
                assertThat(process.exitValue()).as("npm run e2e exit code; output:%n%s", output).isZero();
                assertEveryScenarioPassed(declaredScenarios(Files.readString(SCENARIOS, StandardCharsets.UTF_8)), output);
            } finally {
                control.stop(0);
            }
        }
    }

    @Test
    void aRunWithASkippedOrMissingScenarioFails() {
        String passed = tap(3, 3, 0, 0);
        assertEveryScenarioPassed(3, passed);
        // one scenario skipped inside the test (t.skip): node counts it as skipped
        assertThatThrownBy(() -> assertEveryScenarioPassed(3, tap(3, 2, 0, 1) + "ok 3 - restart # SKIP no command\n"))
                .isInstanceOf(AssertionError.class);
        // the whole suite skipped: node reports no test at all
        assertThatThrownBy(() -> assertEveryScenarioPassed(3, "ok 1 - Parley web client # SKIP PARLEY_URL is not set\n" + tap(0, 0, 0, 0)))
                .isInstanceOf(AssertionError.class);
        // fewer scenarios ran than the file declares, all passing
        assertThatThrownBy(() -> assertEveryScenarioPassed(4, passed)).isInstanceOf(AssertionError.class);
        // no summary at all (the runner crashed)
        assertThatThrownBy(() -> assertEveryScenarioPassed(3, "")).isInstanceOf(AssertionError.class);
        assertThat(declaredScenarios("  test('a', async () => {})\n  test(\n    'b',\n  )\n// test(\nconst x = 1\n")).isEqualTo(2);
    }

    /** The number of scenarios the test file declares. */
    static int declaredScenarios(String source) {
        return (int) DECLARATION.matcher(source).results().count();
    }

    /** Node's TAP summary must show exactly {@code declared} scenarios run, all passed, none skipped. */
    static void assertEveryScenarioPassed(int declared, String tapOutput) {
        assertThat(declared).as("scenarios declared in %s", SCENARIOS).isPositive();
        assertThat(count(tapOutput, "tests")).as("browser scenarios run; output:%n%s", tapOutput).isEqualTo(declared);
        assertThat(count(tapOutput, "pass")).as("browser scenarios passed; output:%n%s", tapOutput).isEqualTo(declared);
        for (String none : List.of("fail", "cancelled", "skipped", "todo")) {
            assertThat(count(tapOutput, none)).as("browser scenarios %s; output:%n%s", none, tapOutput).isZero();
        }
        assertThat(tapOutput).as("no scenario or suite reported as skipped").doesNotContain("# SKIP");
    }

    private static String tap(int tests, int pass, int fail, int skipped) {
        return "# tests " + tests + "\n# suites 1\n# pass " + pass + "\n# fail " + fail + "\n# cancelled 0\n# skipped " + skipped
                + "\n# todo 0\n";
    }

    /** The number in Node's TAP summary line {@code # <what> N}, or -1 when there is none. */
    private static int count(String tapOutput, String what) {
        Matcher m = Pattern.compile("^# " + what + " (\\d+)$", Pattern.MULTILINE).matcher(tapOutput);
        int n = -1;
        while (m.find()) {
            n = Integer.parseInt(m.group(1));
        }
        return n;
    }
}
