package dev.claudebridge.daemon.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's pid file, for {@code claude-bridge reload}: by default beside the first socket
 * ({@code SOCKET.pid}). Line 1 is the pid (so {@code kill -HUP $(head -1 FILE)} works), line 2 the
 * configuration file the daemon reads.
 */
record PidFile(Path path) {
    static PidFile besideSocket(Path socket) {
        return new PidFile(socket.resolveSibling(socket.getFileName() + ".pid"));
    }

    void write(long pid, Path config) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(tmp, pid + "\n" + config + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes the file if it still names this process. */
    void remove(long pid) {
        if (read().map(r -> r.pid() == pid).orElse(false)) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // a stale pid file is checked against /proc before use
            }
        }
    }

    Optional<Content> read() {
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            long pid = Long.parseLong(lines.getFirst().trim());
            return Optional.of(new Content(
                    pid,
                    lines.size() > 1 && !lines.get(1).isBlank()
                            ? Optional.of(Path.of(lines.get(1).trim()))
                            : Optional.empty()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** What the file says. */
    record Content(long pid, Optional<Path> config) {}
}
