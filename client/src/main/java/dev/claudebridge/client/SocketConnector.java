package dev.claudebridge.client;

import dev.claudebridge.protocol.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the connection to a bridge socket, through the JNI helper when present, else the JDK. */
final class SocketConnector {
    private static final boolean NATIVE = NativeLibrary.LOADED;

    private SocketConnector() {}

    static Connection connect(String path) throws ConnectException {
        if (NATIVE) {
            return NativeUnixSocket.connect(path);
        }
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            throw failure(path, true, false, false, "no such file");
        }
        try {
            SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(p));
            InputStream in = Channels.newInputStream(ch);
            OutputStream out = Channels.newOutputStream(ch);
            return Connection.of(in, out, java.util.Optional.empty(), ch);
        } catch (AccessDeniedException e) {
            throw failure(path, false, true, false, e.getMessage());
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            throw failure(
                    path,
                    false,
                    m.contains("Permission denied"),
                    m.contains("Connection refused") || m.contains("not a socket"),
                    m);
        }
    }

    /** The error for a failed connect: each cause its own message (see docs/PROTOCOL.md, exit statuses). */
    static ConnectException failure(String path, boolean missing, boolean denied, boolean refused, String detail) {
        if (denied) {
            return new ConnectException(ErrorCode.PERMISSION_DENIED, Messages.permissionDenied(path));
        }
        String why = missing
                ? "no socket at " + path + " (is it mounted into this container?)"
                // what Docker leaves when it bind-mounts a socket that did not exist yet
                : java.nio.file.Files.isDirectory(java.nio.file.Path.of(path))
                        ? path + " is a directory, not the bridge's socket"
                                + " (was the socket mounted before the bridge made it? mount the socket's directory instead)"
                        : refused
                                ? "nothing is listening on " + path + " (a stale socket file: is the bridge running?)"
                                : "cannot connect to " + path + ": " + detail;
        return new ConnectException(ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(path, why));
    }
}
