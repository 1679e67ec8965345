package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A one-line description of where the numbers were taken, for the report. */
final class Environment {
    private Environment() {
    }

    static String describe(Path repo) {
        String cpu = firstLine(Path.of("/proc/cpuinfo"), "model name").replaceFirst("^model name\\s*:\\s*", "");
        return cores() + " CPUs (" + cpu + ")"
                + ", " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB generator heap limit, Linux "
                + command(repo, "uname", "-r") + ", node " + command(repo, System.getenv().getOrDefault("BENCH_NODE", "node"), "--version")
                + ", Parley at " + command(repo, "git", "rev-parse", "--short", "HEAD");
    }

    private static long cores() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("processor")).count();
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** The CPUs this process may run on, as taskset left them. */
    static String affinity() {
        return "CPUs " + firstLine(Path.of("/proc/self/status"), "Cpus_allowed_list").replaceFirst("^\\S+\\s*", "");
    }

    private static String firstLine(Path file, String prefix) {
        try (var lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(prefix)).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String command(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
