package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandTest {

    @Test
    void plainTextIsSaidAndDoubleSlashSendsOneSlash() {
        assertThat(Command.parse("hello @assistant")).isEqualTo(new Command.Say("hello @assistant"));
        assertThat(Command.parse("//shrug")).isEqualTo(new Command.Say("/shrug"));
        assertThat(Command.parse("   ")).isEqualTo(new Command.Empty());
    }

    @Test
    void localCommandsParseWithTheirArguments() {
        assertThat(Command.parse("/help")).isEqualTo(new Command.Help());
        assertThat(Command.parse("/rooms")).isEqualTo(new Command.Rooms());
        assertThat(Command.parse("/join Lobby")).isEqualTo(new Command.Join("lobby"));
        assertThat(Command.parse("/leave")).isEqualTo(new Command.Leave());
        assertThat(Command.parse("/save notes.md")).isEqualTo(new Command.Save("notes.md"));
        assertThat(Command.parse("/save run.JSONL")).isEqualTo(new Command.Save("run.JSONL"));
        assertThat(Command.parse("/load run.jsonl")).isEqualTo(new Command.Load("run.jsonl", null));
        assertThat(Command.parse("/load run.jsonl copy-1")).isEqualTo(new Command.Load("run.jsonl", "copy-1"));
        assertThat(Command.parse("/quit")).isEqualTo(new Command.Quit());
    }

    @Test
    void serverCommandsAreSentAsTextAndSwitchIsAnAliasOfModel() {
        assertThat(Command.parse("/who")).isEqualTo(new Command.Server("/who"));
        assertThat(Command.parse("/models")).isEqualTo(new Command.Server("/models"));
        assertThat(Command.parse("/clear")).isEqualTo(new Command.Server("/clear"));
        assertThat(Command.parse("/model openai/gpt-4o")).isEqualTo(new Command.Server("/model openai/gpt-4o"));
        assertThat(Command.parse("/switch ollama/llama3.2")).isEqualTo(new Command.Server("/model ollama/llama3.2"));
        assertThat(Command.parse("/somethingnew x")).isEqualTo(new Command.Server("/somethingnew x"));
    }

    @Test
    void missingOrWrongArgumentsAreExplained() {
        assertThat(Command.parse("/join")).isInstanceOf(Command.Invalid.class);
        assertThat(Command.parse("/model")).isInstanceOf(Command.Invalid.class);
        assertThat(Command.parse("/save notes.txt")).isInstanceOf(Command.Invalid.class);
        assertThat(Command.parse("/load notes.md")).isInstanceOf(Command.Invalid.class);
    }

    @Test
    void aLoadedFileGetsAFreshValidRoomName() {
        assertThat(Chat.newRoomName("/tmp/My Notes.jsonl")).matches("my-notes-[0-9a-f]{6}");
        assertThat(Chat.newRoomName("__.jsonl")).matches("imported-[0-9a-f]{6}");
    }
}
