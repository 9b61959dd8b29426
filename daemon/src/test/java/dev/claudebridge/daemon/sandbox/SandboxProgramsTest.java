package dev.claudebridge.daemon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What of the host the command that runs claude brings into the sandbox: a binary, or an interpreter and its script. */
class SandboxProgramsTest {
    @TempDir
    Path tmp;

    @Test
    void aBinaryByItsRealPath() throws IOException {
        Path real = Files.writeString(
                Files.createDirectories(tmp.resolve("versions")).resolve("2.1"), "ELF");
        Path link = Files.createSymbolicLink(tmp.resolve("claude"), real);
        assertThat(Sandbox.programs(List.of(link.toString()))).containsExactly(real.toRealPath());
    }

    @Test
    void aScriptBesideItsInterpreter() throws IOException {
        Path script = Files.writeString(tmp.resolve("claude-wrapper"), "#!/bin/sh\n");
        assertThat(Sandbox.programs(List.of("/bin/sh", script.toString())))
                .containsExactly(Path.of("/bin/sh").toRealPath(), script.toRealPath());
    }

    @Test
    void anNpmScriptWithTheModulesAroundIt() throws IOException {
        Path modules = Files.createDirectories(tmp.resolve("lib/node_modules"));
        Path cli = Files.writeString(
                Files.createDirectories(modules.resolve("@anthropic-ai/claude-code"))
                        .resolve("cli.js"),
                "#!/usr/bin/env node\n");
        Path node =
                Files.writeString(Files.createDirectories(tmp.resolve("bin")).resolve("node"), "ELF");
        assertThat(Sandbox.programs(List.of(node.toString(), "--no-warnings", cli.toString())))
                .as("the interpreter, not its flag, and the package directory holding the script")
                .containsExactly(node.toRealPath(), modules.toRealPath());
    }
}
