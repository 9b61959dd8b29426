package dev.claudebridge.daemon.audit;

import dev.claudebridge.daemon.exec.TreeIdentity;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which host trees a daemon has running, kept beside the audit log ({@code PATH.running/DAEMON/ID},
 * DAEMON being the daemon's own {@link TreeIdentity}), so that a daemon started after one that died can
 * end exactly the trees it left. A daemon that is still alive (another daemon sharing the log) is left alone.
 */
public final class RunningLedger {
    private final Path dir;

    private RunningLedger(Path dir) {
        this.dir = dir;
    }

    /** The ledger of this daemon, for the audit log at {@code auditPath}. */
    public static RunningLedger of(Path auditPath, TreeIdentity self) {
        return new RunningLedger(root(auditPath).resolve(self.line().replace(' ', '_')));
    }

    static Path root(Path auditPath) {
        return auditPath.resolveSibling(auditPath.getFileName() + ".running");
    }

    /** Notes a started tree; a failure is returned for the caller to log (the tree runs all the same). */
    Optional<IOException> add(String requestId, TreeIdentity tree) {
        try {
            Path entry = dir.resolve(safe(requestId));
            String line = tree.line() + "\n";
            try {
                Files.writeString(entry, line);
            } catch (java.nio.file.NoSuchFileException e) {
                // the directory is made by the first entry (or again, if removed by hand meanwhile): a
                // request pays for the write alone, not for a check that the directory is there
                Files.createDirectories(dir);
                Files.writeString(entry, line);
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e);
        }
    }

    void remove(String requestId) {
        try {
            Files.deleteIfExists(dir.resolve(safe(requestId)));
        } catch (IOException e) {
            // a stale entry names a tree that has ended: recovery finds nothing alive to end
        }
    }

    /** What a recovery found: the request ids of dead daemons, and how many processes were still running. */
    public record Recovered(List<String> requestIds, int processesEnded) {}

    /**
     * Ends the trees left by daemons that are no longer alive and forgets them.
     *
     * @return the request ids they were running and how many processes had to be ended
     */
    public static Recovered recover(Path auditPath) {
        Path root = root(auditPath);
        List<String> ids = new ArrayList<>();
        int ended = 0;
        if (!Files.isDirectory(root)) {
            return new Recovered(ids, 0);
        }
        try (DirectoryStream<Path> daemons = Files.newDirectoryStream(root)) {
            for (Path d : daemons) {
                Optional<TreeIdentity> daemon =
                        TreeIdentity.parse(d.getFileName().toString().replace('_', ' '));
                if (daemon.isPresent() && daemon.get().alive()) {
                    continue;
                }
                try (Stream<Path> entries = Files.list(d)) {
                    for (Path e : entries.toList()) {
                        ids.add(e.getFileName().toString());
                        Optional<TreeIdentity> tree = TreeIdentity.parse(Files.readString(e));
                        if (tree.isPresent()) {
                            ended += tree.get().end();
                        }
                        Files.deleteIfExists(e);
                    }
                }
                Files.deleteIfExists(d);
            }
        } catch (IOException e) {
            // what could not be read is left for the next start
        }
        return new Recovered(ids, ended);
    }

    private static String safe(String id) {
        return id.replace('/', '_');
    }
}
