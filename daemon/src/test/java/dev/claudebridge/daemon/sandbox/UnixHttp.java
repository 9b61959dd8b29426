package dev.claudebridge.daemon.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a Unix socket, written by hand as claude's client sends it ({@code Host:
 * claude-bridge.invalid}); the JDK's HttpClient cannot use a Unix socket. One request per connection.
 */
final class UnixHttp {
    /** A whole response; header names lower-cased, a chunked body decoded. */
    record Reply(int status, Map<String, String> headers, String body) {}

    private UnixHttp() {}

    /** Sends the request and returns the connection's input, positioned at the status line. */
    static InputStream open(Path socket, String method, String target, Map<String, String> headers, byte[] body)
            throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        head.append("Host: claude-bridge.invalid\r\nConnection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body.length > 0) {
            head.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.length)
                    .append("\r\n");
        }
        head.append("\r\n");
        ch.write(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)));
        ByteBuffer b = ByteBuffer.wrap(body);
        while (b.hasRemaining()) {
            ch.write(b);
        }
        return Channels.newInputStream(ch);
    }

    static Reply exchange(Path socket, String method, String target, Map<String, String> headers, byte[] body)
            throws IOException {
        try (InputStream in = open(socket, method, target, headers, body)) {
            return parse(in.readAllBytes());
        }
    }

    static Reply exchange(Path socket, String method, String target, Map<String, String> headers) throws IOException {
        return exchange(socket, method, target, headers, new byte[0]);
    }

    private static Reply parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : Arrays.asList(lines).subList(1, lines.length)) {
            int colon = line.indexOf(':');
            headers.merge(
                    line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).strip(),
                    (a, c) -> a + "," + c);
        }
        byte[] rest = Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = dechunk(rest);
        }
        return new Reply(status, headers, new String(rest, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (true) {
            int eol = indexOf(raw, i);
            int size = Integer.parseInt(
                    new String(raw, i, eol - i, StandardCharsets.ISO_8859_1).split(";")[0].strip(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(raw, eol + 2, size);
            i = eol + 2 + size + 2;
        }
    }

    private static int indexOf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalArgumentException("a chunk size line without its end");
    }
}
