package dev.parley.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/parley-cli.jar} as a child process with pipes: JLine falls back to its dumb terminal, so
 * lines are written to its standard input and what it prints is collected for the test to wait on.
 */
final class CliProcess implements AutoCloseable {
    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;

    private CliProcess(Process process) {
        this.process = process;
        this.outReader = Thread.ofVirtual().start(() -> pump(process.getInputStream(), out));
        this.errReader = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), err));
    }

    static Path jar() {
        Path jar = Path.of("target", "parley-cli.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package the client first: " + jar + " is missing");
        }
        return jar;
    }

    static CliProcess start(Path home, Map<String, String> env, String... args) throws IOException {
        return start(false, home, env, args);
    }

    /**
     * In a pseudo-terminal: util-linux {@code script} gives the client a real tty (200 columns), so JLine runs as it
     * does for a person, and a Ctrl-C typed into it becomes SIGINT through the tty's line discipline.
     */
    static CliProcess startInTerminal(Path home, Map<String, String> env, String... args) throws IOException {
        return start(true, home, env, args);
    }

    private static CliProcess start(boolean tty, Path home, Map<String, String> env, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Duser.home=" + home, "-jar", jar().toString()));
        command.addAll(List.of(args));
        if (tty) {
            StringBuilder line = new StringBuilder("stty cols 200 rows 50; exec");
            for (String part : command) {
                line.append(" '").append(part.replace("'", "'\\''")).append("'");
            }
            command = List.of("script", "-qfec", line.toString(), "/dev/null");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        builder.environment().put("TERM", "xterm-256color");
        builder.environment().keySet().removeIf(k -> k.startsWith("PARLEY_"));
        builder.environment().putAll(env);
        return new CliProcess(builder.start());
    }

    private static void pump(InputStream in, StringBuffer into) {
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                // the client writes UTF-8; a character split across reads is rare and only affects this copy
                into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            into.append("\n[read failed: ").append(e.getMessage()).append("]");
        }
    }

    CliProcess type(String line) throws IOException {
        OutputStream stdin = process.getOutputStream();
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        return this;
    }

    /** Sends raw bytes (a control character) to the client's terminal. */
    CliProcess press(char key) throws IOException {
        OutputStream stdin = process.getOutputStream();
        stdin.write(key);
        stdin.flush();
        return this;
    }

    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    /** Waits until standard output holds {@code text} after position {@code from}; returns the position after it. */
    int awaitOut(int from, String text) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .failFast(() -> !process.isAlive() && out.indexOf(text, from) < 0)
                    .until(() -> out.indexOf(text, from) >= 0);
        } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError("the client never printed \"" + text + "\"; its output after that point:\n"
                    + out.substring(Math.min(from, out.length())) + "\nerrors:\n" + err, e);
        }
        return out.indexOf(text, from) + text.length();
    }

    int awaitOut(String text) {
        return awaitOut(0, text);
    }

    int exitCode() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the client did not exit; output:\n" + out + "\nerrors:\n" + err);
        }
        outReader.join(5000);
        errReader.join(5000);
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
