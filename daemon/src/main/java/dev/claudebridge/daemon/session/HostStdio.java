package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.exec.HostProcess;
import dev.claudebridge.daemon.exec.ProcessSpec;
import dev.claudebridge.daemon.exec.ProcessTree;
import dev.claudebridge.daemon.exec.StdioTarget;
import dev.claudebridge.protocol.Request;
import dev.claudebridge.protocol.StdioKind;
import dev.claudebridge.protocol.Terminal;

/**
 * Starts the host process with standard descriptors like the caller's, where the host can have the
 * same: the null device stays the null device, a closed descriptor stays closed, a regular file for
 * output is a (private) regular file; anything else is a pipe (or the terminal, when the caller has one). On a terminal, the caller's TERM is the process's.
 */
final class HostStdio {
    private HostStdio() {}

    /** @param dir the working directory, already open (spec.cwd() is not used) */
    static ProcessTree start(ProcessSpec spec, Request r, dev.claudebridge.daemon.exec.WorkingDirectory dir) {
        if (r.terminal().isPresent()) {
            Terminal t = r.terminal().get();
            ProcessSpec s = spec.withStdio(
                    StdioTarget.DEFAULT,
                    StdioTarget.DEFAULT,
                    onTerminal(r.stdio().stderr()));
            return HostProcess.startOnTerminal(
                    t.term().isEmpty() ? s : s.withEnv("TERM", t.term()), dir, t.columns(), t.rows());
        }
        return HostProcess.start(
                spec.withStdio(
                        target(r.stdio().stdin()),
                        output(r.stdio().stdout()),
                        output(r.stdio().stderr())),
                dir);
    }

    static StdioTarget target(StdioKind k) {
        return switch (k) {
            case NULL -> StdioTarget.DEV_NULL;
            case CLOSED -> StdioTarget.CLOSED;
            default -> StdioTarget.DEFAULT;
        };
    }

    /**
     * stdout or stderr: a regular file of the caller's is a regular file of the host's too, because
     * programs write files synchronously and pipes often not (a Claude Code that exits with pipe writes
     * pending loses them; into a file, it never does).
     */
    static StdioTarget output(StdioKind k) {
        return switch (k) {
            case FILE -> StdioTarget.FILE;
            case FILE_APPEND -> StdioTarget.FILE_APPEND;
            default -> target(k);
        };
    }

    /** stderr beside a terminal: a file or pipe of the caller's stays apart from the terminal, as it would locally. */
    static StdioTarget onTerminal(StdioKind k) {
        return switch (k) {
            case PIPE, FILE, FILE_APPEND, SOCKET -> StdioTarget.PIPE;
            case NULL -> StdioTarget.DEV_NULL;
            case CLOSED -> StdioTarget.CLOSED;
            default -> StdioTarget.DEFAULT; // the terminal, or not said
        };
    }
}
