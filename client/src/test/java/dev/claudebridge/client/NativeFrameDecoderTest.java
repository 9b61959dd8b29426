package dev.claudebridge.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The native client's frame decoder (src/main/c/native/frame.c) against docs/PROTOCOL.md's test
 * vectors, and fuzzed for a few seconds from them, under the address and undefined-behaviour
 * sanitizers ({@code -Dnative.fuzz.seconds}, default 5).
 */
class NativeFrameDecoderTest {
    private static final Pattern VECTOR =
            Pattern.compile("### vector: (\\S+)\\n.*?\\n```hex\\n(.*?)```\\n```frame\\n(.*?)```", Pattern.DOTALL);
    /** Frame fields the harness prints: those a client decodes (the daemon's frames) and the data frames. */
    private static final List<String> CLIENT_KEYS = List.of(
            "type",
            "version",
            "software",
            "data",
            "kind",
            "value",
            "status",
            "code",
            "message",
            "position",
            "length",
            "credit");

    private Path harness;
    private Path corpus;

    @BeforeEach
    void setUp() throws IOException {
        harness = Path.of(System.getProperty("native.fuzz", "target/fuzz/frame-fuzz"));
        Assumptions.assumeTrue(
                Files.isExecutable(harness), "no C compiler built the fuzz harness at " + harness + ": skipped");
        corpus = Files.createTempDirectory("frame-corpus-");
    }

    @AfterEach
    void clean() throws IOException {
        if (corpus != null) {
            try (var files = Files.list(corpus)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(corpus);
        }
    }

    /** The vectors as name, bytes and the frame block's lines. */
    private static Map<String, Object[]> vectors() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty("protocol.doc", "../docs/PROTOCOL.md")));
        Map<String, Object[]> out = new LinkedHashMap<>();
        Matcher m = VECTOR.matcher(doc);
        while (m.find()) {
            byte[] bytes = HexFormat.of().parseHex(m.group(2).replaceAll("\\s+", ""));
            out.put(m.group(1), new Object[] {bytes, m.group(3).lines().toList()});
        }
        return out;
    }

    @Test
    void decodesEveryTestVectorAsTheDocumentSays() throws Exception {
        Map<String, Object[]> vectors = vectors();
        assertThat(vectors).hasSizeGreaterThan(10);
        for (var v : vectors.entrySet()) {
            Path file = Files.write(corpus.resolve(v.getKey() + ".bin"), (byte[]) v.getValue()[0]);
            @SuppressWarnings("unchecked")
            List<String> frame = (List<String>) v.getValue()[1];
            List<String> expected = new ArrayList<>();
            for (String line : frame) {
                String key = line.substring(0, line.indexOf(':'));
                if (CLIENT_KEYS.contains(key) && !(isRequestLike(frame) && !key.equals("type"))) {
                    expected.add(line);
                }
            }
            // only a client sends a token, so a client's decoder need not split it off: its software name is
            // the rest of the payload, and not compared
            boolean token = frame.stream().anyMatch(l -> l.startsWith("token:"));
            Result r = run(List.of(harness.toString(), "describe", file.toString()), 30);
            assertThat(r.status).as("%s: %s", v.getKey(), r.out).isZero();
            assertThat(r.out.lines()
                            .filter(l -> !(token && l.startsWith("software:")))
                            .toList())
                    .as(v.getKey())
                    .isEqualTo(expected.stream()
                            .filter(l -> !(token && l.startsWith("software:")))
                            .toList());
        }
    }

    /** Frames only a client sends (besides STDIN): the harness checks their framing, not their fields. */
    private static boolean isRequestLike(List<String> frame) {
        String type = frame.get(0);
        return type.equals("type: REQUEST") || type.equals("type: SIGNAL") || type.equals("type: RESIZE");
    }

    @Test
    void fuzzingFromTheVectorsFindsNothing() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                harness.toString(),
                "run",
                System.getProperty("native.fuzz.seconds", "5"),
                Long.toString(System.nanoTime())));
        for (var v : vectors().entrySet()) {
            cmd.add(Files.write(corpus.resolve(v.getKey() + ".bin"), (byte[]) v.getValue()[0])
                    .toString());
        }
        Result r = run(cmd, 120);
        assertThat(r.status).as(r.out).isZero();
        assertThat(r.out).contains("no property violated");
        System.out.print(r.out);
    }

    private record Result(int status, String out) {}

    private Result run(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .directory(corpus.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the harness did not finish within " + seconds + " s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
