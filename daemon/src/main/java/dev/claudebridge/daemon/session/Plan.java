package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.exec.ClaudeCommand;
import dev.claudebridge.daemon.exec.ProcessSpec;
import dev.claudebridge.daemon.policy.PolicyException;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a request will run on the host, decided by the settings snapshot: the claude command, the
 * mapped working directory (or a private scratch directory when no mapping is configured), and the
 * environment. Closing it removes the scratch directory.
 */
record Plan(ProcessSpec spec, List<String> envPassed, Optional<Path> scratch) implements AutoCloseable {
    /**
     * @throws PolicyException when claude is missing or the working directory is not mapped
     */
    static Plan of(BridgeSettings settings, Request request, String id) {
        ClaudeCommand claude = settings.claude().locate().orElseThrow(() -> new PolicyException(ErrorCode.CLAUDE_NOT_FOUND,
                "claude is not installed on the host (the bridge looked in " + settings.claude().candidates()
                        + "). Install Claude Code on the host, or start the daemon with --claude PATH."));
        Optional<Path> scratch = Optional.empty();
        Path cwd;
        if (settings.paths().isEmpty()) {
            // no mapping configured: the caller's directory means nothing on the host, so run in an empty private one
            try {
                cwd = Files.createTempDirectory("claude-bridge-" + id + "-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            scratch = Optional.of(cwd);
        } else {
            cwd = settings.paths().mapDirectory(request.cwd());
        }
        List<String> command = new ArrayList<>(claude.prefix());
        command.addAll(request.argv());
        List<String> passed = List.copyOf(settings.env().passed(request.env()).keySet());
        Map<String, String> env = new TreeMap<>(settings.env().processEnvironment(settings.daemonEnv(), request.env()));
        // a terminal's type comes with the terminal: the host's own TERM would describe another one
        request.terminal().ifPresent(t -> env.put("TERM", t.term().isEmpty() ? "xterm-256color" : t.term()));
        ProcessSpec spec = new ProcessSpec(command, env, cwd);
        return new Plan(spec, passed, scratch);
    }

    @Override
    public void close() {
        scratch.ifPresent(dir -> {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp directory is harmless
            }
        });
    }
}
