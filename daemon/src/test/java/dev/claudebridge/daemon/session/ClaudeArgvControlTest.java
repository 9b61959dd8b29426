package dev.claudebridge.daemon.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudebridge.daemon.config.ClaudeSettingsConfig;
import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.policy.ArgvParser;
import dev.claudebridge.daemon.policy.ParsedArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The argv the daemon hands claude: its settings first, the caller's taken out, conversations checked. */
class ClaudeArgvControlTest {
    private static final Map<String, String> ENV = Map.of("HOME", "/home/h", "ANTHROPIC_BASE_URL", "http://pinned");
    private static final ProfileConfig DEFAULT = ProfileConfig.defaults("p");

    private static List<String> settings(ProfileConfig profile, String... argv) {
        List<String> a = List.of(argv);
        return SettingsControl.edit(ArgvParser.parse(a), a, profile, ENV).apply(a);
    }

    private static JsonNode json(String s) throws Exception {
        return DaemonSettings.JSON.readTree(s);
    }

    @Test
    void theDaemonsSettingsComeFirstAndTheCallersAreMergedUnderThem() throws Exception {
        List<String> out = settings(
                DEFAULT,
                "-p",
                "hi",
                "--settings",
                "{\"model\":\"m\",\"disableAllHooks\":false,\"permissions\":{\"deny\":[\"Bash\"]}}");
        assertThat(out.subList(0, 2)).containsExactly("--settings", out.get(1));
        assertThat(out.subList(2, 6)).containsExactly("--setting-sources", "user", "-p", "hi");
        JsonNode s = json(out.get(1));
        assertThat(s.path("model").asText()).isEqualTo("m");
        assertThat(s.path("disableAllHooks").asBoolean()).isTrue();
        assertThat(s.path("permissions").path("disableBypassPermissionsMode").asText())
                .isEqualTo("disable");
        assertThat(s.path("permissions").path("deny").toString())
                .contains(
                        "\"Bash\"",
                        "Read(~/.ssh/**)",
                        "Read(//home/h/.ssh/**)",
                        "Read(~/.claude/.credentials.json)",
                        "Read(**/.env)");
        assertThat(s.path("env").path("ANTHROPIC_BASE_URL").asText()).isEqualTo("http://pinned");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-v", "-V"})
    void aLoneVersionFlagGoesAsItIsSoClaudeAnswersBeforeLoadingAnything(String flag) {
        assertThat(settings(DEFAULT, flag)).containsExactly(flag);
    }

    @Test
    void theVersionBesideAnythingElseStillGetsTheDaemonsSettings() {
        assertThat(settings(DEFAULT, "--version", "--verbose"))
                .startsWith("--settings")
                .contains("--setting-sources", "user")
                .endsWith("--version", "--verbose");
        assertThat(settings(DEFAULT, "-p", "--version")).startsWith("--settings");
    }

    @Test
    void everyCallerSpellingIsTakenOut() {
        List<String> out = settings(
                DEFAULT, "--settings={\"a\":1}", "-p", "--setting-sources=project", "hi", "--settings", "{\"b\":2}");
        assertThat(out.subList(4, out.size())).containsExactly("-p", "hi");
        assertThat(out.get(1)).contains("\"b\":2").doesNotContain("\"a\"");
        assertThat(out.get(3)).isEmpty(); // project is not the profile's, so nothing is left
    }

    @Test
    void sourcesOnlyNarrow() {
        assertThat(SettingsControl.sources(List.of("user"), Optional.of("user,project,local")))
                .containsExactly("user");
        assertThat(SettingsControl.sources(List.of("user", "project", "local"), Optional.of("local, user")))
                .containsExactly("user", "local");
        assertThat(SettingsControl.sources(List.of("user", "project"), Optional.of("")))
                .isEmpty();
        assertThat(SettingsControl.sources(List.of("user", "project"), Optional.empty()))
                .containsExactly("user", "project");
        assertThatThrownBy(() -> SettingsControl.sources(List.of("user"), Optional.of("user,policy")))
                .isInstanceOf(Refusal.class);
    }

    @Test
    void withTheDaemonsSettingsOffOnlyTheCallersGo() {
        ProfileConfig off = DEFAULT.with(
                ProfileConfig.CLAUDE_SETTINGS, new ClaudeSettingsConfig(List.of("user", "project"), false));
        assertThat(settings(off, "-p", "hi")).containsExactly("--setting-sources", "user,project", "-p", "hi");
        assertThat(settings(off, "-p", "hi", "--settings", "{\"model\":\"m\"}"))
                .containsExactly("--settings", "{\"model\":\"m\"}", "--setting-sources", "user,project", "-p", "hi");
    }

    @Test
    void bypassStaysPossibleWhereTheProfileAllowsIt() throws Exception {
        ProfileConfig bypass = DEFAULT.with(ProfileConfig.ALLOW_ARGS, List.of("--permission-mode bypassPermissions"));
        assertThat(json(settings(bypass, "-p", "hi").get(1)).path("permissions").has("disableBypassPermissionsMode"))
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "--append-system-prompt|--settings|{}",
                "--system-prompt|--settings={}",
                "-p|hi|--model|x|--|--setting-sources",
                "--append-system-prompt|--managed-settings|{}"
            })
    void anArgumentTheEarlyScanWouldMisreadIsRefused(String argv) {
        assertThatThrownBy(() -> settings(DEFAULT, argv.split("\\|")))
                .isInstanceOf(Refusal.class)
                .hasMessageContaining("early settings scan");
    }

    @Test
    void aSettingsFileIsReadAndPassedInline(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("s.json"), "{\"model\":\"from-file\"}");
        assertThat(json(settings(DEFAULT, "--settings", f.toString()).get(1))
                        .path("model")
                        .asText())
                .isEqualTo("from-file");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), f);
        assertThatThrownBy(() -> settings(DEFAULT, "--settings", link.toString()))
                .isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> settings(DEFAULT, "--settings", "{not json}")).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> settings(DEFAULT, "--settings", "[1]")).isInstanceOf(Refusal.class);
    }

    private static ConversationControl.Decision conv(Conversations records, String owner, String... argv) {
        List<String> a = List.of(argv);
        ParsedArgs parsed = ArgvParser.parse(a);
        return ConversationControl.decide(parsed, a, records, owner, "/w");
    }

    @Test
    void aNewConversationGetsTheDaemonsIdAndIsRecorded() {
        Conversations records = Conversations.inMemory();
        ConversationControl.Decision d = conv(records, "A", "-p", "hi");
        assertThat(d.edit().prefix()).hasSize(2).first().isEqualTo("--session-id");
        String id = d.edit().prefix().get(1);
        d.record(records, "A", "/w");
        assertThat(records.owner(id)).contains("A");
        assertThat(conv(records, "A", "--version").claims()).isEmpty();
        assertThat(conv(records, "A", "mcp", "list").claims()).isEmpty();
        assertThat(conv(records, "A", "-p", "hi", "--no-session-persistence").claims())
                .isEmpty();
    }

    @Test
    void continueBecomesResumeOfTheCallersOwnLatest() {
        Conversations records = Conversations.inMemory();
        records.claim("11111111-1111-1111-1111-111111111111", "A", "/w");
        records.claim("22222222-2222-2222-2222-222222222222", "B", "/w");
        List<String> a = List.of("-pc", "again");
        ConversationControl.Decision d = ConversationControl.decide(ArgvParser.parse(a), a, records, "A", "/w");
        assertThat(d.edit().apply(a))
                .containsExactly("--resume", "11111111-1111-1111-1111-111111111111", "-p", "again");
        List<String> none = List.of("--continue", "-p", "x");
        List<String> fresh = ConversationControl.decide(ArgvParser.parse(none), none, records, "C", "/w")
                .edit()
                .apply(none);
        assertThat(fresh)
                .hasSize(4)
                .startsWith("--session-id")
                .endsWith("-p", "x"); // none of C's own: a new one, as claude does
    }

    @Test
    void anotherCallersConversationIsRefusedInEveryForm() {
        Conversations records = Conversations.inMemory();
        String id = "33333333-3333-3333-3333-333333333333";
        records.claim(id, "A", "/w");
        for (String argv : List.of(
                "-r|" + id,
                "--resume=" + id,
                "-r|" + id + "|--fork-session",
                "--session-id|" + id,
                "--resume|" + id.toUpperCase(),
                "-r",
                "-r|/x/" + id + ".jsonl",
                "-r|some title",
                "--from-pr|12")) {
            assertThatThrownBy(() -> conv(records, "B", argv.split("\\|")))
                    .as(argv)
                    .isInstanceOf(Refusal.class);
        }
        assertThat(conv(records, "A", "-r", id).claims()).containsExactly(id);
        ConversationControl.Decision fork = conv(records, "A", "-r", id, "--fork-session");
        assertThat(fork.claims()).hasSize(1).doesNotContain(id);
    }
}
