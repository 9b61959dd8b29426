package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dashboard event streams that are opened and never read cannot pile up in the daemon: at most 64 at
 * once (one more gets 503), and a stream whose reader takes no event for 10 s is dropped, which makes
 * room again.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EventStreamLimitsTest {
    private static final int MAX_STREAMS = 64;

    @Test
    void unreadStreamsAreCappedAndDropped() throws Exception {
        try (Bridge bridge = Bridge.start("--admin-listen", "127.0.0.1:0")) {
            URI base = URI.create(bridge.adminUrl());
            List<Socket> unread = new ArrayList<>();
            try {
                for (int i = 0; i < MAX_STREAMS; i++) {
                    Socket s = open(base);
                    unread.add(s);
                    assertThat(statusLine(s)).as("stream %d", i).contains(" 200 ");
                }
                Socket over = open(base);
                unread.add(over);
                assertThat(statusLine(over)).as("one stream over the cap").contains(" 503 ");

                // keep the events coming (each request changes the report) until the unread streams' buffers fill;
                // the native client, where built, makes a request in milliseconds where a JVM takes a second
                Client caller = Files.isExecutable(Client.NATIVE_BINARY) ? Client.NATIVE : Client.JAVA;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                while (!bridge.log().contains("dropping an event stream") && System.nanoTime() < deadline) {
                    bridge.run(caller, "write", "1");
                }
                assertThat(bridge.log())
                        .as("a reader that takes nothing is dropped")
                        .contains("dropping an event stream");
                // the drop is logged just before its place is given back: try again for a few seconds
                String status = "";
                long room = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!status.contains(" 200 ") && System.nanoTime() < room) {
                    Socket again = open(base);
                    unread.add(again);
                    status = statusLine(again);
                    if (!status.contains(" 200 ")) {
                        Bridge.sleep(100);
                    }
                }
                assertThat(status)
                        .as("a stream after the slow ones were dropped")
                        .contains(" 200 ");
            } finally {
                for (Socket s : unread) {
                    s.close();
                }
            }
            assertThat(bridge.log()).doesNotContain("OutOfMemoryError");
        }
    }

    /** A GET of /api/events on a socket with a tiny receive buffer, so that an unread stream backs up soon. */
    private static Socket open(URI base) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(1024);
        s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        s.setSoTimeout(30_000);
        s.getOutputStream()
                .write(("GET /api/events HTTP/1.1\r\nHost: " + base.getHost() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private static String statusLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }
}
