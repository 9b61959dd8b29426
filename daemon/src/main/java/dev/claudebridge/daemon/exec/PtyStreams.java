package dev.claudebridge.daemon.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Streams over a pseudo-terminal master. The JDK cannot wrap a raw descriptor, and reopening the
 * master by path would open a new terminal, so these call read(2) and write(2) through {@link Posix}.
 * Reads block in native code: use them from platform threads. End of input is EIO from the master,
 * which arrives once every process has closed the slave.
 */
final class PtyStreams {
    private static final int BUFFER = 32 * 1024;

    private PtyStreams() {}

    static InputStream input(int fd) {
        return new InputStream() {
            private final Arena arena = Arena.ofAuto();
            private final MemorySegment buf = arena.allocate(BUFFER);
            private final MemorySegment state = Posix.errnoState(arena);

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) throws IOException {
                int n;
                try {
                    n = Posix.read(fd, buf.asSlice(0, Math.min(len, BUFFER)), state);
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                if (n > 0) {
                    MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, b, off, n);
                }
                return n;
            }
        };
    }

    /** Closing this does nothing: the master stays open until the process has ended (see HostProcess). */
    static OutputStream output(int fd) {
        return new OutputStream() {
            private final Arena arena = Arena.ofAuto();
            private final MemorySegment buf = arena.allocate(BUFFER);
            private final MemorySegment state = Posix.errnoState(arena);

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                try {
                    while (len > 0) {
                        int n = Math.min(len, BUFFER);
                        MemorySegment.copy(b, off, buf, ValueLayout.JAVA_BYTE, 0, n);
                        Posix.writeFully(fd, buf, n, state);
                        off += n;
                        len -= n;
                    }
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }
        };
    }
}
