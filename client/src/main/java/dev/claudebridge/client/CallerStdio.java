package dev.claudebridge.client;

import dev.claudebridge.protocol.Stdio;
import dev.claudebridge.protocol.StdioKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What kind of file this process's stdin, stdout and stderr are, so the host process can get the same.
 * A descriptor that was closed when the caller started us cannot be seen from here: the JVM reuses the
 * number for a file of its own (fd 0 becomes the JDK's {@code modules} file). The launcher checks
 * before the JVM starts and names the closed ones in {@code -Dclaudebridge.closed} (e.g. {@code 0,2}).
 * Three readlinks, at most three stats, and a small read of /proc/self/fdinfo per regular file:
 * nothing a start-up would notice.
 */
final class CallerStdio {
    private CallerStdio() {}

    /** The caller's descriptors as the launcher and /proc describe them. */
    static Stdio current() {
        String closed = System.getProperty("claudebridge.closed", "");
        return new Stdio(kind(0, closed), kind(1, closed), kind(2, closed));
    }

    /** Whether the launcher saw this descriptor closed: the client must then neither read nor write it. */
    static boolean closed(int fd) {
        return System.getProperty("claudebridge.closed", "").contains(Integer.toString(fd));
    }

    private static StdioKind kind(int fd, String closed) {
        if (closed.contains(Integer.toString(fd))) {
            return StdioKind.CLOSED;
        }
        Path link = Path.of("/proc/self/fd/" + fd);
        String target;
        try {
            target = Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return StdioKind.OTHER; // no /proc: say nothing, the host process gets a pipe as before
        }
        StdioKind k = ofTarget(target, NativeTerminal.isTerminal(fd), () -> Files.isRegularFile(link));
        return k == StdioKind.FILE && appending(fd) ? StdioKind.FILE_APPEND : k;
    }

    /** Whether the descriptor is open with O_APPEND (the shell's {@code >>}), from /proc/self/fdinfo. */
    private static boolean appending(int fd) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith("flags:")) {
                    return appendFlag(line.substring(6).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: a plain file
        }
        return false;
    }

    /** Whether fdinfo's octal {@code flags} include O_APPEND (02000 on Linux). */
    static boolean appendFlag(String octalFlags) {
        return (Long.parseLong(octalFlags, 8) & 02000) != 0;
    }

    /** The kind a /proc/self/fd link target names; {@code regular} is only asked for a path. */
    static StdioKind ofTarget(String target, boolean terminal, java.util.function.BooleanSupplier regular) {
        if (terminal) {
            return StdioKind.TERMINAL;
        } else if (target.equals("/dev/null")) {
            return StdioKind.NULL;
        } else if (target.startsWith("pipe:[")) {
            return StdioKind.PIPE;
        } else if (target.startsWith("socket:[")) {
            return StdioKind.SOCKET;
        } else if (target.startsWith("/") && regular.getAsBoolean()) {
            return StdioKind.FILE;
        }
        return StdioKind.OTHER;
    }
}
