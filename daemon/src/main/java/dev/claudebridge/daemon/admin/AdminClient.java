package dev.claudebridge.daemon.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches one admin page for {@code claude-bridge status}, or takes one operator action for {@code
 * end} and {@code drain}, over TCP ({@code http://HOST:PORT} or
 * {@code HOST:PORT}) or the admin Unix socket ({@code unix:PATH}, spoken as plain HTTP/1.0).
 */
public final class AdminClient {
    private static final int MAX_BODY = 8 * 1024 * 1024;

    private AdminClient() {}

    /** A status code and a body. */
    public record Reply(int status, String body) {}

    /**
     * @param target where the admin endpoint listens
     * @param path e.g. {@code /api/status}
     * @throws IOException when nothing answers within the timeout, or the answer is not HTTP
     */
    public static Reply get(String target, String path, Duration timeout) throws IOException {
        return send(target, path, timeout, null, null);
    }

    /**
     * POSTs an operator action with a JSON body, and the token as {@code Authorization: Bearer} when
     * given (the admin socket needs none).
     *
     * @throws IOException when nothing answers within the timeout, or the answer is not HTTP
     */
    public static Reply post(
            String target, String path, String json, java.util.Optional<String> token, Duration timeout)
            throws IOException {
        return send(target, path, timeout, json, token.orElse(null));
    }

    private static Reply send(String target, String path, Duration timeout, String json, String token)
            throws IOException {
        if (target.startsWith("unix:")) {
            String head = (json == null ? "GET " : "POST ") + path + " HTTP/1.0\r\nHost: localhost\r\nAccept: */*\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + (json == null
                            ? ""
                            : "Content-Type: application/json\r\nContent-Length: "
                                    + json.getBytes(StandardCharsets.UTF_8).length + "\r\n")
                    + "\r\n" + (json == null ? "" : json);
            return overUnixSocket(Path.of(target.substring("unix:".length())), head, timeout);
        }
        String base = target.contains("://") ? target : "http://" + target;
        URI uri = URI.create(base.replaceAll("/+$", "") + path);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build()) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
            if (json != null) {
                b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
            }
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IllegalArgumentException e) {
            throw new IOException("not an admin address: " + target, e);
        }
    }

    private static Reply overUnixSocket(Path socket, String request, Duration timeout) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        // channels have no read timeout: read on a virtual thread and close the channel if it runs over
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        Thread.startVirtualThread(() -> {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
                while (ch.read(buf) >= 0 && all.size() < MAX_BODY) {
                    all.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                reply.complete(all.toByteArray());
            } catch (IOException | RuntimeException e) {
                reply.completeExceptionally(e);
            }
        });
        try (ch) {
            return parse(reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new IOException("no answer from " + socket + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Splits an HTTP/1.x response (status line, headers, body); the server closes after one answer. */
    static Reply parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || headEnd < 0) {
            throw new IOException("the admin socket did not answer in HTTP");
        }
        String[] statusLine = text.substring(0, text.indexOf("\r\n")).split(" ", 3);
        try {
            return new Reply(Integer.parseInt(statusLine[1]), text.substring(headEnd + 4));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("the admin socket sent a malformed status line");
        }
    }
}
