package dev.claudebridge.daemon.exec;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A started request process and everything it starts, as the session engine drives it: its standard
 * streams, signals and terminal size in, its end out. {@link HostProcess} is the real one; the engine's
 * tests give it others.
 */
public interface ProcessTree {
    /** The started process's id (for the audit's tree identity). */
    int pid();

    OutputStream stdin();

    /** Its output; on a terminal everything it writes. */
    InputStream stdout();

    /** Its error output; empty on a terminal unless kept apart. */
    InputStream stderr();

    /** Completes when the started process has ended and been reaped. */
    CompletableFuture<Termination> termination();

    /** A signal for the process's group, as a terminal would send it. */
    void signalGroup(int signal);

    /** The terminal's new size; ignored without a terminal. */
    void resize(int columns, int rows);

    /** Whether anything of the tree still runs (descendants that left the group included). */
    boolean treeAlive();

    /** SIGTERM to the whole tree, SIGKILL to what is left after {@code grace}. */
    void terminateTree(Duration grace);

    /** Forgets the tree's descendants; once, after the process has ended. */
    void forgetDescendants();

    /** Gives up one of the two holds on the terminal (output side, input side); no-op without one. */
    void releaseTerminal();

    /**
     * Ends whatever of the tree still runs, and nothing when all of it has ended: the one way the engine
     * ends a tree, whoever asks (caller gone, a limit, shutdown, the leader's exit with workers left).
     */
    default void end(Duration grace) {
        if (!termination().isDone() || treeAlive()) {
            terminateTree(grace);
        }
    }
}
