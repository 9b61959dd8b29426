package dev.claudebridge.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Commander's rules, as claude 2.1 applies them (checked against the real CLI; see the notes in ClaudeCli). */
class ArgvParserTest {
    private static ParsedArgs.Use only(ParsedArgs p, String name) {
        return p.options().stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void variadicOptionsTakeWordsUpToTheNextOption() {
        ParsedArgs p = ArgvParser.parse(List.of("--add-dir", "a", "b", "-p", "hi"));
        assertThat(only(p, "--add-dir").values()).extracting(ParsedArgs.Value::text).containsExactly("a", "b");
        assertThat(only(p, "--add-dir").values()).extracting(ParsedArgs.Value::index).containsExactly(1, 2);
        assertThat(p.command()).isEmpty();
    }

    @Test
    void attachedValuesKeepTheirPrefix() {
        ParsedArgs p = ArgvParser.parse(List.of("--settings=s.json", "-pnNAME", "-dapi"));
        assertThat(only(p, "--settings").values()).containsExactly(new ParsedArgs.Value(0, "--settings=", "s.json"));
        assertThat(only(p, "--name").values()).containsExactly(new ParsedArgs.Value(1, "-pn", "NAME"));
        assertThat(only(p, "--debug").values()).containsExactly(new ParsedArgs.Value(2, "-d", "api"));
        assertThat(p.options()).extracting(ParsedArgs.Use::name).containsExactly("--settings", "--print", "--name", "--debug");
    }

    @Test
    void optionalValuesNeverStartWithADash() {
        ParsedArgs p = ArgvParser.parse(List.of("-r", "-p", "--resume", "abc"));
        assertThat(p.options().get(0).values()).isEmpty();
        assertThat(p.options().get(2).values()).extracting(ParsedArgs.Value::text).containsExactly("abc");
    }

    @Test
    void subcommandsAreFoundThroughAliasesAndNesting() {
        assertThat(ArgvParser.parse(List.of("plugins", "marketplace", "rm", "x")).command()).containsExactly("plugin", "marketplace", "remove");
        assertThat(ArgvParser.parse(List.of("--verbose", "mcp", "add", "--", "update")).command()).containsExactly("mcp", "add");
        assertThat(ArgvParser.parse(List.of("--model", "mcp", "-p")).command()).isEmpty();
        assertThat(ArgvParser.parse(List.of("--bogus", "update")).command()).isEmpty();
    }

    @Test
    void agentsHasItsOwnOptions() {
        ParsedArgs p = ArgvParser.parse(List.of("agents", "--cwd", "/w", "--add-dir", "/a", "x"));
        assertThat(p.command()).containsExactly("agents");
        assertThat(only(p, "--add-dir").values()).extracting(ParsedArgs.Value::text).containsExactly("/a"); // not variadic there
        assertThat(only(p, "--cwd").option().kind()).isEqualTo(ClaudeCli.Kind.PATH);
    }
}
