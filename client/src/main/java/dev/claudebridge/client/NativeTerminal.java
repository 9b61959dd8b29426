package dev.claudebridge.client;

import dev.claudebridge.protocol.Terminal;
import java.util.Optional;

/** The caller's terminal, through the JNI helper: is there one, its size, raw mode and back. */
final class NativeTerminal {
    private static final int STDIN = 0;
    private static final int STDOUT = 1;

    private NativeTerminal() {}

    private static native boolean isatty0(int fd);

    private static native int size0(int fd);

    private static native byte[] enterRaw0(int fd);

    private static native int restore0(int fd, byte[] saved);

    /**
     * The terminal to ask the host for: present when both stdin and stdout are terminals (so
     * {@code echo x | claude} and {@code claude | less} stay in pipe mode, as with ssh) and the helper is loaded.
     */
    static Optional<Terminal> interactive(String term) {
        if (!NativeLibrary.LOADED || !isatty0(STDIN) || !isatty0(STDOUT)) {
            return Optional.empty();
        }
        return Optional.of(size(term));
    }

    /** Whether descriptor {@code fd} is a terminal; false when the helper is not loaded. */
    static boolean isTerminal(int fd) {
        return NativeLibrary.LOADED && isatty0(fd);
    }

    /** The current window size; 80x24 when the terminal does not say (as a serial console may not). */
    static Terminal size(String term) {
        int s = size0(STDOUT);
        int cols = s > 0 ? s >>> 16 : 0;
        int rows = s > 0 ? s & 0xffff : 0;
        return new Terminal(cols == 0 ? 80 : cols, rows == 0 ? 24 : rows, term);
    }

    /** Raw mode on stdin; the returned state restores what was there. */
    static Optional<RawMode> enterRaw() {
        byte[] saved = enterRaw0(STDIN);
        return saved == null ? Optional.empty() : Optional.of(new RawMode(saved));
    }

    /** A terminal's attributes from before raw mode; restoring twice is harmless. */
    static final class RawMode {
        private final byte[] saved;

        private RawMode(byte[] saved) {
            this.saved = saved;
        }

        void restore() {
            restore0(STDIN, saved);
        }
    }
}
