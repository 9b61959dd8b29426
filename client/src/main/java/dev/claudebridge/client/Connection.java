package dev.claudebridge.client;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/** An open stream to a bridge. */
interface Connection extends AutoCloseable {
    InputStream in();

    OutputStream out();

    /** The bearer token the HELLO carries on this connection (a network one only). */
    default Optional<String> token() {
        return Optional.empty();
    }

    @Override
    void close();

    /** A connection over two streams; closing it runs {@code close}, whose failure (already closed) is of no interest. */
    static Connection of(InputStream in, OutputStream out, Optional<String> token, java.io.Closeable close) {
        return new Connection() {
            @Override
            public InputStream in() {
                return in;
            }

            @Override
            public OutputStream out() {
                return out;
            }

            @Override
            public Optional<String> token() {
                return token;
            }

            @Override
            public void close() {
                try {
                    close.close();
                } catch (java.io.IOException e) {
                    // already closed by the daemon
                }
            }
        };
    }
}
