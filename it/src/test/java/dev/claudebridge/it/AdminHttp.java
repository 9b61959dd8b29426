package dev.claudebridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The admin endpoint as its users reach it: HTTP requests, the {@code claude-bridge status} command,
 * and the metrics read by the Prometheus project's own parser (its Python client, run as a process).
 */
final class AdminHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PARSER = Bridge.HOME.resolve("it/src/test/python/parse_metrics.py");

    private AdminHttp() {}

    static HttpResponse<String> get(String url, String... headers) {
        try (HttpClient c =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
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

    static JsonNode status(String admin) {
        try {
            return JSON.readTree(get(admin + "/api/status").body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code bin/claude-bridge status ARGS} (30 s limit). */
    static Bridge.Result statusCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Bridge.DAEMON.toString(), "status"));
        cmd.addAll(List.of(args));
        return Bridge.run(new ProcessBuilder(cmd), new byte[0]);
    }

    /** A python3 that has the Prometheus client library (Debian: python3-prometheus-client), if any. */
    static Optional<String> python() {
        for (String py : List.of(System.getProperty("python", ""), "/usr/bin/python3", "python3")) {
            if (py.isEmpty()) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(py, "-c", "import prometheus_client")
                        .redirectErrorStream(true)
                        .start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(py);
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not installed under this name
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** One sample as the parser read it. */
    record Sample(String family, String type, String name, Map<String, String> labels, double value) {}

    /**
     * Parses an exposition with the Prometheus client's parser ("prometheus" text 0.0.4, or the strict
     * "openmetrics" one); a malformed text fails the test with the parser's message.
     */
    static List<Sample> parse(String python, String format, String text) {
        try {
            Process p = new ProcessBuilder(python, PARSER.toString(), format).start();
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> Bridge.readAll(p.getErrorStream()));
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> Bridge.readAll(p.getInputStream()));
            try (var in = p.getOutputStream()) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the metrics parser did not finish within 30 s");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("the Prometheus " + format + " parser rejected /metrics:\n"
                        + new String(err.join(), StandardCharsets.UTF_8) + "\n--- exposition ---\n" + text);
            }
            List<Sample> samples = new ArrayList<>();
            for (JsonNode s : JSON.readTree(out.join())) {
                Map<String, String> labels = new java.util.TreeMap<>();
                s.get("labels")
                        .properties()
                        .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                samples.add(new Sample(
                        s.get("family").asText(),
                        s.get("type").asText(),
                        s.get("name").asText(),
                        labels,
                        s.get("value").asDouble()));
            }
            return samples;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The value of the sample with this name and exactly these labels ("k=v"), 0 when absent (a counter not yet touched). */
    static double value(List<Sample> samples, String name, String... labels) {
        Map<String, String> want = new java.util.TreeMap<>();
        for (String l : labels) {
            int eq = l.indexOf('=');
            want.put(l.substring(0, eq), l.substring(eq + 1));
        }
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().equals(want))
                .mapToDouble(Sample::value)
                .findFirst()
                .orElse(0);
    }
}
