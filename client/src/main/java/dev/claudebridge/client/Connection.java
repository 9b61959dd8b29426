package dev.claudebridge.client;

import java.io.InputStream;
import java.io.OutputStream;

/** An open stream to a bridge. */
interface Connection extends AutoCloseable {
    InputStream in();

    OutputStream out();

    @Override
    void close();
}
