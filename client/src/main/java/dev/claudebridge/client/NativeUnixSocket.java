package dev.claudebridge.client;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Unix-domain connection opened by the JNI helper (src/main/c/unixsocket.c), wrapped in the plain
 * file streams of its descriptor. Used when the launcher names the helper in
 * {@code -Dclaudebridge.native} (a directory with one {@code linux-ARCH} folder per architecture); {@link SocketConnector} falls back to the JDK otherwise.
 */
final class NativeUnixSocket implements Connection {
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int ENOTSOCK = 88;
    static final int ECONNREFUSED = 111;

    private final FileInputStream in;
    private final FileOutputStream out;

    private NativeUnixSocket(FileDescriptor fd) {
        this.in = new FileInputStream(fd);
        this.out = new FileOutputStream(fd);
    }

    private static native int connect0(byte[] path, FileDescriptor fd);

    /**
     * Connects to the socket at {@code path}.
     *
     * @throws ConnectException naming the cause, from connect(2)'s errno
     */
    static NativeUnixSocket connect(String path) throws ConnectException {
        FileDescriptor fd = new FileDescriptor();
        int r = connect0(path.getBytes(StandardCharsets.UTF_8), fd);
        if (r < 0) {
            throw SocketConnector.failure(
                    path, -r == ENOENT, -r == EACCES, -r == ECONNREFUSED || -r == ENOTSOCK, "errno " + -r);
        }
        return new NativeUnixSocket(fd);
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing a socket that the daemon already closed: nothing to do
        }
    }
}
