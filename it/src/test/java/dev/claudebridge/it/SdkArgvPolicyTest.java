package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.claudebridge.daemon.config.PathMapping;
import dev.claudebridge.daemon.policy.ArgumentPolicy;
import dev.claudebridge.daemon.policy.Denial;
import dev.claudebridge.daemon.policy.OptionPaths;
import dev.claudebridge.daemon.policy.PathMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Positive control: the argv the Agent SDKs really pass (captured into it/src/test/resources/sdk/argv-*.txt
 * by the SDK suite) passes the default profile's argument policy, shape by shape. The one shape made of
 * options a container should not have by default (a stdio MCP server, project settings, acceptEdits,
 * a Bash rule, an unmapped directory) is refused.
 */
class SdkArgvPolicyTest {
    private static final Path DIR = Bridge.HOME.resolve("it/src/test/resources/sdk");

    static Stream<Arguments> shapes() throws IOException {
        List<Arguments> out = new ArrayList<>();
        if (Files.isDirectory(DIR)) {
            try (Stream<Path> files = Files.list(DIR)) {
                for (Path f : files.filter(p -> p.getFileName().toString().matches("argv-.*\\.txt"))
                        .sorted()
                        .toList()) {
                    parse(f).forEach((shape, argv) -> out.add(Arguments.of(f.getFileName() + ": " + shape, argv)));
                }
            }
        }
        if (out.isEmpty()) {
            out.add(Arguments.of("(no captured SDK argv)", List.of()));
        }
        return out.stream();
    }

    private static Map<String, List<String>> parse(Path f) throws IOException {
        Map<String, List<String>> shapes = new LinkedHashMap<>();
        List<String> cur = null;
        for (String line : Files.readAllLines(f)) {
            if (line.startsWith("## ")) {
                String name = line.substring(3);
                cur = name.startsWith("environment") ? null : new ArrayList<>();
                if (cur != null) {
                    shapes.put(name, cur);
                }
            } else if (cur != null && !line.isEmpty() && !line.startsWith("#")) {
                cur.add(line);
            }
        }
        return shapes;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void theSdksArgvPassesTheDefaultProfile(String shape, List<String> argv) {
        Assumptions.assumeFalse(argv.isEmpty(), "no argv captured from the Agent SDK yet: skipped");
        Path ws = Bridge.tempDir();
        try {
            ArgumentPolicy p = new ArgumentPolicy(
                    "default",
                    List.of(),
                    List.of(),
                    false,
                    new OptionPaths(new PathMapper(List.of(new PathMapping(ws, ws))), "default"));
            if (shape.endsWith("common options")) {
                assertThat(catchThrowableOfType(Denial.class, () -> p.admit(argv, ws.toString())))
                        .as(shape)
                        .isNotNull();
            } else {
                assertThatCode(() -> p.admit(argv, ws.toString()))
                        .as(shape + " " + argv)
                        .doesNotThrowAnyException();
            }
        } finally {
            Bridge.deleteTree(ws);
        }
    }
}
