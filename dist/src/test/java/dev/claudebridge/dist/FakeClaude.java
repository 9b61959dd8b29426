package dev.claudebridge.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A stand-in for the host's claude: prints each argument and its working directory, one line to stderr, exits 3. */
final class FakeClaude {
    static final int EXIT = 3;
    static final String STDERR = "fake claude on stderr\n";

    private FakeClaude() {}

    static Path write(Path dir) {
        Path script = dir.resolve("fake-claude");
        try {
            Files.writeString(script, """
                    #!/bin/sh
                    # the daemon's own options come first (its settings and sources, the conversation); claude takes them, and so does this stand-in
                    while :; do case ${1-} in --settings|--setting-sources|--session-id|--resume) shift 2 ;; *) break ;; esac; done
                    for a in "$@"; do printf 'arg=[%s]\\n' "$a"; done
                    printf 'cwd=%s\\n' "$(pwd)"
                    printf 'fake claude on stderr\\n' >&2
                    exit 3
                    """);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return script;
    }

    /** What it prints on stdout for these arguments, run in {@code cwd}. */
    static String stdout(Path cwd, String... args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            sb.append("arg=[").append(a).append("]\n");
        }
        return sb.append("cwd=").append(cwd).append('\n').toString();
    }
}
