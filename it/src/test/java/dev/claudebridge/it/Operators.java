package dev.claudebridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An operator's side of the admin endpoint: its actions over HTTP and {@code claude-bridge end/drain}. */
final class Operators {
    private Operators() {}

    /** The operator token a daemon started by {@link Bridge} made beside its audit log. */
    static Path tokenFile(Bridge bridge) {
        return bridge.dir.resolve("operator-token");
    }

    static String token(Bridge bridge) {
        try {
            return Files.readString(tokenFile(bridge)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POSTs {@code body} to {@code url} with the given headers (name, value, ...). */
    static HttpResponse<String> post(String url, String body, String... headers) {
        try (HttpClient c =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (headers.length > 0) {
                b.headers(headers);
            }
            return c.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs {@code bin/claude-bridge ARGS} (60 s limit). */
    static Bridge.Result cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Bridge.DAEMON.toString()));
        cmd.addAll(List.of(args));
        return Bridge.run(new ProcessBuilder(cmd), new byte[0]);
    }

    /** The id of the live request whose command line is {@code argv}, waiting (20 s at most) for it to run. */
    static String runningId(String admin, String argv) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (JsonNode r : AdminHttp.status(admin).path("running")) {
                if (r.path("argv").asText().equals(argv)
                        && r.path("state").asText().equals("running")) {
                    return r.path("id").asText();
                }
            }
            Bridge.sleep(50);
        }
        throw new AssertionError("no running request '" + argv + "' in " + AdminHttp.status(admin));
    }
}
