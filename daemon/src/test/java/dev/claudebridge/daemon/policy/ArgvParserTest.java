package dev.claudebridge.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Commander's rules, as claude 2.1 applies them (checked against the real CLI; see the notes in ClaudeCli). */
class ArgvParserTest {
    private static ParsedArgs.Use only(ParsedArgs p, String name) {
        return p.options().stream()
                .filter(u -> u.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void variadicOptionsTakeWordsUpToTheNextOption() {
        ParsedArgs p = ArgvParser.parse(List.of("--add-dir", "a", "b", "-p", "hi"));
        assertThat(only(p, "--add-dir").values())
                .extracting(ParsedArgs.Value::text)
                .containsExactly("a", "b");
        assertThat(only(p, "--add-dir").values())
                .extracting(ParsedArgs.Value::index)
                .containsExactly(1, 2);
        assertThat(p.command()).isEmpty();
    }

    @Test
    void attachedValuesKeepTheirPrefix() {
        ParsedArgs p = ArgvParser.parse(List.of("--settings=s.json", "-pnNAME", "-dapi"));
        assertThat(only(p, "--settings").values()).containsExactly(new ParsedArgs.Value(0, "--settings=", "s.json"));
        assertThat(only(p, "--name").values()).containsExactly(new ParsedArgs.Value(1, "-pn", "NAME"));
        assertThat(only(p, "--debug").values()).containsExactly(new ParsedArgs.Value(2, "-d", "api"));
        assertThat(p.options())
                .extracting(ParsedArgs.Use::name)
                .containsExactly("--settings", "--print", "--name", "--debug");
    }

    @Test
    void optionalValuesNeverStartWithADash() {
        ParsedArgs p = ArgvParser.parse(List.of("-r", "-p", "--resume", "abc"));
        assertThat(p.options().get(0).values()).isEmpty();
        assertThat(p.options().get(2).values())
                .extracting(ParsedArgs.Value::text)
                .containsExactly("abc");
    }

    private static String line(String... argv) {
        return ArgvParser.parse(List.of(argv)).commandLine();
    }

    @Test
    void subcommandsAreFoundThroughAliasesAndNesting() {
        assertThat(line("plugins", "marketplace", "rm", "x")).isEqualTo("plugin");
        assertThat(line("--verbose", "mcp", "add", "--", "update")).isEqualTo("mcp add");
        assertThat(line("stop", "x")).isEqualTo("stop");
        assertThat(line("kill", "x")).isEqualTo("stop");
        assertThat(line("--model", "mcp", "hi")).isEmpty();
        assertThat(line("--bogus", "update")).isEmpty();
    }

    @Test
    void afterTheEndOfOptionsTheFirstOperandStillDispatches() {
        assertThat(line("--", "mcp", "add-json", "evil", "{}")).isEqualTo("mcp add-json");
        assertThat(line("--model", "x", "--", "mcp", "serve")).isEqualTo("mcp serve");
        assertThat(line("-pc", "--", "mcp", "serve"))
                .isEqualTo("mcp serve"); // -pc is not -p to claude's print-mode test
        assertThat(line("hi", "--", "mcp", "serve")).isEmpty();
        ParsedArgs p = ArgvParser.parse(List.of("--", "mcp", "add-json", "--scope", "user"));
        assertThat(p.options()).isEmpty(); // a subcommand reached after -- reads no options
    }

    @Test
    void inPrintModeClaudeRegistersNoSubcommands() {
        assertThat(line("-p", "mcp", "serve")).isEmpty();
        assertThat(line("-p", "--", "mcp", "serve")).isEmpty();
        assertThat(line("--", "-p", "mcp", "serve")).isEmpty(); // claude looks for -p anywhere
        assertThat(line("--print", "update")).isEmpty();
        assertThat(line("-p", "--", "mcp", "serve", "cc://x"))
                .isEqualTo("mcp serve"); // a cc:// word turns registration back on
    }

    @Test
    void anAttachedValueOnAFlagIsAnUnknownOption() {
        ParsedArgs p = ArgvParser.parse(List.of("--verbose=1", "--dangerously-skip-permissions"));
        assertThat(p.options()).hasSize(1);
        assertThat(p.options().getFirst().known()).isFalse();
    }
}
