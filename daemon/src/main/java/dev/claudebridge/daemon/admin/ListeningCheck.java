package dev.claudebridge.daemon.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Readiness check "listening": every agents' socket is still at its path. The file goes away when
 * the listener closes (shutdown) and when something outside removes it (a tmp cleaner), and either
 * way agents can no longer connect. It does not connect itself: a probe would count as a request.
 */
public final class ListeningCheck implements ReadinessCheck {
    private final Supplier<List<Path>> sockets;

    public ListeningCheck(Supplier<List<Path>> sockets) {
        this.sockets = sockets;
    }

    @Override
    public String name() {
        return "listening";
    }

    @Override
    public Outcome check() {
        List<Path> all = sockets.get();
        if (all.isEmpty()) {
            return Outcome.failed("no agents' socket is open");
        }
        for (Path p : all) {
            if (!isSocket(p)) {
                return Outcome.failed("socket " + p + " is gone");
            }
        }
        return Outcome.ok(all.size() == 1 ? "on " + all.getFirst() : "on " + all.size() + " sockets");
    }

    private static boolean isSocket(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return ((Integer) mode & 0170000) == 0140000;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
