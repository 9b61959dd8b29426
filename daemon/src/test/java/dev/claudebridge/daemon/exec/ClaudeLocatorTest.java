package dev.claudebridge.daemon.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fake installs in a temporary directory; PATH and HOME come from a synthetic environment map. */
class ClaudeLocatorTest {
    private static final String CLI_JS = "lib/node_modules/@anthropic-ai/claude-code/cli.js";
    /** Where the locator always looks last; a test that needs "nothing installed" skips if one exists. */
    private static final List<Path> SYSTEM_WIDE =
            List.of(Path.of("/usr/local/bin/claude"), Path.of("/usr/bin/claude"), Path.of("/opt/homebrew/bin/claude"));

    @TempDir
    Path tmp;

    Path home;

    @BeforeEach
    void realTemp() throws IOException {
        tmp = tmp.toRealPath();
        home = Files.createDirectories(tmp.resolve("home"));
    }

    private ClaudeLocator locator(String path) {
        return new ClaudeLocator(Optional.empty(), Map.of("PATH", path, "HOME", home.toString()));
    }

    @Test
    void anExplicitPathIsUsedAndNothingElseIsSearched() throws IOException {
        Path custom = nativeBinary(tmp.resolve("custom/claude"));
        nativeBinary(tmp.resolve("bin/claude"));
        ClaudeLocator l = new ClaudeLocator(
                Optional.of(custom), Map.of("PATH", tmp.resolve("bin").toString(), "HOME", home.toString()));

        assertThat(l.candidates()).containsExactly(custom);
        assertThat(l.locate()).contains(new ClaudeCommand(custom, List.of(custom.toString())));
    }

    @Test
    void anExplicitPathThatIsMissingFindsNothingEvenIfPathHasOne() throws IOException {
        nativeBinary(tmp.resolve("bin/claude"));
        ClaudeLocator l = new ClaudeLocator(
                Optional.of(tmp.resolve("nope/claude")),
                Map.of("PATH", tmp.resolve("bin").toString(), "HOME", home.toString()));
        assertThat(l.locate()).isEmpty();
    }

    @Test
    void pathIsSearchedInOrderSkippingRelativeEntries() throws IOException {
        Path first = Files.createDirectories(tmp.resolve("first"));
        Path second = nativeBinary(tmp.resolve("second/claude"));
        Path third = nativeBinary(tmp.resolve("third/claude"));
        String path = "relative/bin::" + first + ":" + second.getParent() + ":" + third.getParent();

        ClaudeLocator l = locator(path);

        assertThat(l.locate().map(ClaudeCommand::foundAt)).contains(second);
        assertThat(l.candidates())
                .startsWith(first.resolve("claude"), second, third)
                .noneMatch(p -> !p.isAbsolute());
    }

    @Test
    void aFileThatIsNotExecutableIsSkipped() throws IOException {
        Path plain = write(tmp.resolve("a/claude"), "exit 0\n", "rw-r--r--");
        Path good = nativeBinary(tmp.resolve("b/claude"));
        assertThat(locator(plain.getParent() + ":" + good.getParent()).locate().map(ClaudeCommand::foundAt))
                .contains(good);
    }

    @Test
    void theNativeInstallersLocalBinIsFoundWithAnEmptyPath() throws IOException {
        Path installed = nativeBinary(home.resolve(".local/bin/claude"));
        assertThat(locator("").locate()).contains(new ClaudeCommand(installed, List.of(installed.toString())));
    }

    @Test
    void aNativeBinaryBehindASymlinkRunsDirectlyByItsRealPath() throws Exception {
        // today's npm package and the native installer: a link to a versioned binary
        Path real = nativeBinary(home.resolve(".local/share/claude/versions/2.1.0"));
        Path link = symlink(home.resolve(".local/bin/claude"), Path.of("../share/claude/versions/2.1.0"));

        ClaudeCommand cmd = locator("").locate().orElseThrow();

        assertThat(cmd.foundAt()).isEqualTo(link);
        assertThat(cmd.prefix()).containsExactly(real.toString());
        assertThat(run(cmd.prefix()).exitCode).isZero();
    }

    @Test
    void aScriptWithoutAShebangIsRunDirectly() throws IOException {
        Path script = write(tmp.resolve("bin/claude"), "echo hello\n", "rwxr-xr-x");
        assertThat(locator(script.getParent().toString()).locate())
                .contains(new ClaudeCommand(script, List.of(script.toString())));
    }

    @Test
    void npmSymlinkToAnEnvNodeScriptFindsNodeBesideTheLinkUnderABarePath() throws Exception {
        // `npm install -g --prefix ~/.npm-global`: bin/claude -> ../lib/node_modules/.../cli.js, bin/node beside it
        Path prefix = home.resolve(".npm-global");
        Path cli = write(prefix.resolve(CLI_JS), "#!/usr/bin/env node\nconsole.log('hi')\n", "rwxr-xr-x");
        Path link = symlink(prefix.resolve("bin/claude"), Path.of("../" + CLI_JS));
        Path node = fakeNode(prefix.resolve("bin/node"));

        ClaudeCommand cmd = locator("").locate().orElseThrow();

        assertThat(cmd.foundAt()).isEqualTo(link);
        assertThat(cmd.prefix()).containsExactly(node.toString(), cli.toString());
        assertThat(run(append(cmd.prefix(), "--version")).stdout).isEqualTo("node " + cli + " --version\n");
    }

    @Test
    void nodeIsFoundInTheNpmPrefixOfTheScriptWhenTheLinkLivesElsewhere() throws IOException {
        Path prefix = tmp.resolve("opt/npm");
        Path cli = write(prefix.resolve(CLI_JS), "#!/usr/bin/env node\n", "rwxr-xr-x");
        Path node = fakeNode(prefix.resolve("bin/node"));
        symlink(home.resolve(".local/bin/claude"), cli);

        assertThat(locator("").locate().orElseThrow().prefix()).containsExactly(node.toString(), cli.toString());
    }

    @Test
    void nodeOnPathComesFirst() throws IOException {
        Path prefix = home.resolve(".npm-global");
        Path cli = write(prefix.resolve(CLI_JS), "#!/usr/bin/env node\n", "rwxr-xr-x");
        symlink(prefix.resolve("bin/claude"), Path.of("../" + CLI_JS));
        fakeNode(prefix.resolve("bin/node"));
        Path onPath = fakeNode(tmp.resolve("usr/bin/node"));

        assertThat(locator(onPath.getParent().toString()).locate().orElseThrow().prefix())
                .containsExactly(onPath.toString(), cli.toString());
    }

    @Test
    void envDashSKeepsTheInterpretersExtraArguments() throws Exception {
        Path prefix = home.resolve(".npm-global");
        Path cli = write(
                prefix.resolve(CLI_JS),
                "#!/usr/bin/env -S node --no-warnings --max-old-space-size=4096\n",
                "rwxr-xr-x");
        symlink(prefix.resolve("bin/claude"), Path.of("../" + CLI_JS));
        Path node = fakeNode(prefix.resolve("bin/node"));

        ClaudeCommand cmd = locator("").locate().orElseThrow();

        assertThat(cmd.prefix())
                .containsExactly(node.toString(), "--no-warnings", "--max-old-space-size=4096", cli.toString());
        assertThat(run(append(cmd.prefix(), "-p", "a b")).stdout)
                .isEqualTo("node --no-warnings --max-old-space-size=4096 " + cli + " -p a b\n");
    }

    @Test
    void anAbsoluteInterpreterIsUsedAsWritten() throws IOException {
        Path node = fakeNode(tmp.resolve("node-dist/bin/node"));
        Path script = write(tmp.resolve("bin/claude"), "#!" + node + " --flag\r\n", "rwxr-xr-x");
        assertThat(locator(script.getParent().toString()).locate().orElseThrow().prefix())
                .containsExactly(node.toString(), "--flag", script.toString());
    }

    @Test
    void anUpgradeIsNoticedOnTheNextRequest() throws Exception {
        // the native installer re-points its link; npm replaces the file; an interpreter goes away
        Path v1 = nativeBinary(home.resolve(".local/share/claude/versions/2.1.0"));
        Path v2 = nativeBinary(home.resolve(".local/share/claude/versions/2.2.0"));
        Path link = symlink(home.resolve(".local/bin/claude"), Path.of("../share/claude/versions/2.1.0"));
        ClaudeLocator l = locator("");
        assertThat(l.locate().orElseThrow().prefix()).containsExactly(v1.toString());
        assertThat(l.locate().orElseThrow().prefix()).containsExactly(v1.toString());

        Files.delete(link);
        symlink(link, Path.of("../share/claude/versions/2.2.0"));
        assertThat(l.locate().orElseThrow().prefix()).containsExactly(v2.toString());

        Path node = fakeNode(tmp.resolve("node-dist/bin/node"));
        Path script = tmp.resolve("next.tmp");
        write(script, "#!" + node + "\n", "rwxr-xr-x");
        Files.move(script, v2, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(l.locate().orElseThrow().prefix()).containsExactly(node.toString(), v2.toString());

        Files.delete(node);
        // looked for again by name (this host's own node, or none): never the one that is gone
        assertThat(l.locate().map(ClaudeCommand::prefix).orElse(List.of())).doesNotContain(node.toString());
    }

    @Test
    void aShebangWhoseInterpreterCannotBeFoundFindsNothing() throws IOException {
        Path script =
                write(tmp.resolve("bin/claude"), "#!/usr/bin/env claude-bridge-no-such-interpreter\n", "rwxr-xr-x");
        ClaudeLocator l = locator(script.getParent().toString());
        assertThat(l.commandFor(script)).isEmpty();
        assumeNothingSystemWide();
        assertThat(l.locate()).isEmpty();
    }

    @Test
    void anUnrunnableCandidateIsPassedOverForTheNextOne() throws IOException {
        Path broken = write(tmp.resolve("a/claude"), "#!/usr/bin/env claude-bridge-no-such-interpreter\n", "rwxr-xr-x");
        Path good = nativeBinary(tmp.resolve("b/claude"));
        assertThat(locator(broken.getParent() + ":" + good.getParent()).locate().map(ClaudeCommand::foundAt))
                .contains(good);
    }

    @Test
    void anEmptyShebangFindsNothing() throws IOException {
        Path script = write(tmp.resolve("bin/claude"), "#!\n", "rwxr-xr-x");
        Path envOnly = write(tmp.resolve("bin2/claude"), "#!/usr/bin/env\n", "rwxr-xr-x");
        ClaudeLocator l = locator("");
        assertThat(l.commandFor(script)).isEmpty();
        assertThat(l.commandFor(envOnly)).isEmpty();
    }

    @Test
    void nothingInstalledFindsNothingAndListsWhereItLooked() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        assumeNothingSystemWide();
        ClaudeLocator l = locator(bin.toString());

        assertThat(l.locate()).isEmpty();
        assertThat(l.candidates())
                .contains(
                        bin.resolve("claude"),
                        home.resolve(".local/bin/claude"),
                        home.resolve(".claude/local/claude"),
                        home.resolve(".npm-global/bin/claude"),
                        Path.of("/usr/local/bin/claude"));
        assertThat(l.candidates()).doesNotHaveDuplicates();
    }

    @Test
    void nvmLayoutIsSearchedAndItsNodeUsed() throws Exception {
        Path v = home.resolve(".nvm/versions/node/v20.1.0");
        Path cli = write(v.resolve(CLI_JS), "#!/usr/bin/env node\n", "rwxr-xr-x");
        Path link = symlink(v.resolve("bin/claude"), Path.of("../" + CLI_JS));
        Path node = fakeNode(v.resolve("bin/node"));

        ClaudeLocator l = locator("");

        assertThat(l.candidates()).contains(link);
        ClaudeCommand cmd = l.locate().orElseThrow();
        assertThat(cmd.foundAt()).isEqualTo(link);
        assertThat(cmd.prefix()).containsExactly(node.toString(), cli.toString());
    }

    @Test
    void nvmPrefersTheNewestNodeVersion() throws IOException {
        for (String version : List.of("v9.11.2", "v20.1.0", "v18.19.0")) {
            Path v = home.resolve(".nvm/versions/node/" + version);
            write(v.resolve(CLI_JS), "#!/usr/bin/env node\n", "rwxr-xr-x");
            symlink(v.resolve("bin/claude"), Path.of("../" + CLI_JS));
            fakeNode(v.resolve("bin/node"));
        }
        assertThat(locator("").locate().orElseThrow().foundAt())
                .isEqualTo(home.resolve(".nvm/versions/node/v20.1.0/bin/claude"));
    }

    // ---- fixtures

    private static void assumeNothingSystemWide() {
        assumeTrue(
                SYSTEM_WIDE.stream().noneMatch(Files::exists),
                "skipped: a claude is installed system-wide on this machine");
    }

    /** A real ELF executable (a copy of /bin/true). */
    private static Path nativeBinary(Path at) throws IOException {
        Files.createDirectories(at.getParent());
        Files.copy(Path.of("/bin/true"), at);
        Files.setPosixFilePermissions(at, PosixFilePermissions.fromString("rwxr-xr-x"));
        return at;
    }

    /** A stand-in for node that prints how it was called. */
    private static Path fakeNode(Path at) throws IOException {
        return write(at, "#!/bin/sh\necho \"node $*\"\n", "rwxr-xr-x");
    }

    private static Path write(Path at, String content, String perms) throws IOException {
        Files.createDirectories(at.getParent());
        Files.writeString(at, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(at, PosixFilePermissions.fromString(perms));
        return at;
    }

    private static Path symlink(Path link, Path target) throws IOException {
        Files.createDirectories(link.getParent());
        return Files.createSymbolicLink(link, target);
    }

    private static List<String> append(List<String> prefix, String... args) {
        List<String> out = new ArrayList<>(prefix);
        out.addAll(List.of(args));
        return out;
    }

    private record Run(int exitCode, String stdout) {}

    private static Run run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(10, TimeUnit.SECONDS))
                    .as("finished within 10 s")
                    .isTrue();
            return new Run(p.exitValue(), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
