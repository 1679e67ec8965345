package dev.parley.web;

import static org.assertj.core.api.Assertions.assertThat;

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
 */
class BrowserE2EIT {
    private static final OllamaStandIn OLLAMA = new OllamaStandIn();

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
                assertThat(count(output, "pass")).as("browser tests that passed").isPositive();
                assertThat(count(output, "fail")).as("browser tests that failed").isZero();
            } finally {
                control.stop(0);
            }
        }
    }

    private static int count(String tapOutput, String what) {
        Matcher m = Pattern.compile("^# " + what + " (\\d+)$", Pattern.MULTILINE).matcher(tapOutput);
        int n = -1;
        while (m.find()) {
            n = Integer.parseInt(m.group(1));
        }
        return n;
    }
}
