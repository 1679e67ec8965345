package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void theEnvironmentGivesDefaultsAndFlagsWin() throws Exception {
        Map<String, String> env = Map.of("PARLEY_URL", "http://env:1", "PARLEY_USER", "envuser", "PARLEY_PASSWORD", "pw");
        Options fromEnv = Options.parse(List.of(), env);
        assertThat(fromEnv.url()).isEqualTo(URI.create("http://env:1/"));
        assertThat(fromEnv.user()).isEqualTo("envuser");
        assertThat(fromEnv.password()).isEqualTo("pw");
        assertThat(fromEnv.room()).isEqualTo("general");

        Options flags = Options.parse(List.of("--url", "https://chat.example/", "--user", "bob", "--room", "ops", "--register"), env);
        assertThat(flags.url()).isEqualTo(URI.create("https://chat.example/"));
        assertThat(flags.ws()).isEqualTo(URI.create("wss://chat.example/ws"));
        assertThat(flags.user()).isEqualTo("bob");
        assertThat(flags.room()).isEqualTo("ops");
        assertThat(flags.register()).isTrue();
    }

    @Test
    void askTakesAQuestionOrADashForStandardInput() throws Exception {
        Options ask = Options.parse(List.of("--room", "r", "ask", "what is 2+2?", "--json"), Map.of());
        assertThat(ask.ask()).isTrue();
        assertThat(ask.question()).isEqualTo("what is 2+2?");
        assertThat(ask.json()).isTrue();
        assertThat(Options.parse(List.of("ask", "-"), Map.of()).question()).isEqualTo("-");
        assertThat(Options.parse(List.of(), Map.of()).ws()).isEqualTo(URI.create("ws://localhost:8080/ws"));
    }

    @Test
    void wrongCommandLinesAreRefusedWithAReason() {
        assertThatThrownBy(() -> Options.parse(List.of("ask"), Map.of())).hasMessageContaining("question");
        assertThatThrownBy(() -> Options.parse(List.of("--user"), Map.of())).hasMessageContaining("--user needs a value");
        assertThatThrownBy(() -> Options.parse(List.of("--url", "ftp://x"), Map.of())).hasMessageContaining("http");
        assertThatThrownBy(() -> Options.parse(List.of("--json"), Map.of())).hasMessageContaining("ask");
        assertThatThrownBy(() -> Options.parse(List.of("--bogus"), Map.of())).hasMessageContaining("unknown argument");
    }

    @Test
    void helpListsEveryFlagCommandAndVariable() {
        String usage = Options.usage();
        for (String s : List.of("--url", "--user", "--room", "--register", "--json", "--timeout", "--assistant",
                "PARLEY_URL", "PARLEY_USER", "PARLEY_PASSWORD", "ask -")) {
            assertThat(usage).contains(s);
        }
        for (String[] c : Command.HELP) {
            assertThat(usage).contains(c[0]);
        }
    }

    @Test
    void askMentionsTheAssistantOnce() {
        assertThat(Ask.mentioning("why?", "assistant")).isEqualTo("@assistant why?");
        assertThat(Ask.mentioning("hey @assistant why?", "assistant")).isEqualTo("hey @assistant why?");
    }
}
