package dev.claudebridge.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.claudebridge.daemon.config.PathMapping;
import dev.claudebridge.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Path options are mapped like the working directory: through the mappings, relative to the cwd, no way out. */
class OptionPathsTest {
    @TempDir
    Path tmp;

    private Path ws;
    private OptionPaths paths;

    @BeforeEach
    void mapping() throws IOException {
        ws = Files.createDirectories(tmp.resolve("ws")).toRealPath();
        Files.createDirectories(ws.resolve("proj/lib"));
        Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(ws.resolve("escape"), tmp.resolve("outside"));
        Files.createSymbolicLink(ws.resolve("inner"), ws.resolve("proj"));
        paths = new OptionPaths(new PathMapper(List.of(new PathMapping(Path.of("/workspace"), ws))), "default");
    }

    private List<String> rewrite(String... argv) {
        return new ArgumentPolicy("default", List.of("--plugin-dir"), List.of(), false, paths)
                .admit(List.of(argv), "/workspace/proj");
    }

    private Denial refused(String... argv) {
        Denial e = catchThrowableOfType(Denial.class, () -> rewrite(argv));
        assertThat(e).as(String.join(" ", argv)).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.POLICY_DENIED);
        assertThat(e.rule()).isEqualTo(OptionPaths.RULE);
        return e;
    }

    @Test
    void absoluteAndRelativePathsMapToTheHost() {
        assertThat(rewrite("--add-dir", "/workspace/proj/lib", "lib", "../proj", "-p", "hi"))
                .containsExactly("--add-dir", ws + "/proj/lib", ws + "/proj/lib", ws + "/proj", "-p", "hi");
        assertThat(rewrite("--add-dir=lib")).containsExactly("--add-dir=" + ws + "/proj/lib");
        assertThat(rewrite("--plugin-dir=/workspace/plugins")).containsExactly("--plugin-dir=" + ws + "/plugins");
        assertThat(rewrite("--system-prompt-file", "p.md", "--append-system-prompt-file", "/workspace/a.md"))
                .containsExactly(
                        "--system-prompt-file", ws + "/proj/p.md", "--append-system-prompt-file", ws + "/a.md");
    }

    @Test
    void symlinksInsideTheMappingAreResolved() {
        assertThat(rewrite("--add-dir", "/workspace/inner/lib")).containsExactly("--add-dir", ws + "/proj/lib");
    }

    @Test
    void inlineJsonIsPassedAsItIsAndFilesAsTheirCheckedContent() throws IOException {
        String json = "{\"mcpServers\":{\"x\":{\"type\":\"sdk\",\"name\":\"x\"}}}";
        Files.writeString(ws.resolve("proj/mcp.json"), "{ \"mcpServers\": {\"y\": {\"type\": \"sdk\"}} }");
        assertThat(rewrite("--mcp-config", json, "mcp.json"))
                .containsExactly("--mcp-config", json, "{\"mcpServers\":{\"y\":{\"type\":\"sdk\"}}}");
        assertThat(rewrite("--settings", " {\"model\":\"x\"}")).containsExactly("--settings", " {\"model\":\"x\"}");
        Files.writeString(ws.resolve("proj/s.json"), "{\"env\":{\"ANTHROPIC_BASE_URL\":\"http://c:8080\"}}");
        Denial e = catchThrowableOfType(Denial.class, () -> rewrite("--settings", "s.json"));
        assertThat(e.getMessage()).contains("'env'");
    }

    @Test
    void fileSpecsKeepRelativePathsButNotEscapes() {
        assertThat(rewrite("--file", "file_1:doc.txt", "file_2:/workspace/img.png"))
                .containsExactly("--file", "file_1:doc.txt", "file_2:" + ws + "/img.png");
        assertThat(refused("--file", "file_1:../../../etc/cron.d/x").getMessage())
                .contains("outside the mapped paths");
    }

    @Test
    void pathsOutsideTheMappingsAreRefused() {
        assertThat(refused("--add-dir", "/etc").getMessage())
                .contains("'/etc'")
                .contains("--add-dir")
                .contains("/workspace=");
        refused("--add-dir", "lib", "../../..");
        refused("--add-dir=/workspace/../etc");
        refused("--mcp-config", "/root/.claude.json");
        refused("--settings=../../home/user/.claude/settings.json");
        refused("--plugin-dir", "~/.claude/plugins");
    }

    @Test
    void symlinksLeadingOutAreRefused() {
        assertThat(refused("--add-dir", "/workspace/escape").getMessage()).contains("symbolic link");
        refused("--plugin-dir", "/workspace/escape/new");
    }

    @Test
    void withoutMappingsNoPathOptionCanBePassed() {
        OptionPaths none = new OptionPaths(new PathMapper(List.of()), "default");
        List<String> argv = List.of("--add-dir", "x");
        ArgumentPolicy policy = new ArgumentPolicy("default", List.of(), List.of(), false, none);
        Denial e = catchThrowableOfType(Denial.class, () -> policy.admit(argv, "/w"));
        assertThat(e.getMessage()).contains("maps no container paths");
        List<String> plain = List.of("-p", "hi", "--model", "sonnet");
        assertThat(policy.admit(plain, "/w")).isEqualTo(plain);
    }
}
