package dev.claudebridge.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code Key=value} settings of a systemd unit file, comments dropped. */
record UnitFile(List<String[]> settings) {

    static UnitFile read(Path file) {
        List<String[]> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String t = line.strip();
                int eq = t.indexOf('=');
                if (t.isEmpty() || t.startsWith("#") || t.startsWith(";") || t.startsWith("[") || eq < 0) {
                    continue;
                }
                out.add(new String[] {
                    t.substring(0, eq).strip(), t.substring(eq + 1).strip()
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new UnitFile(List.copyOf(out));
    }

    /** The last value set for {@code key}, as systemd reads single-valued settings. */
    Optional<String> get(String key) {
        return settings.stream().filter(s -> s[0].equals(key)).map(s -> s[1]).reduce((a, b) -> b);
    }

    String require(String key) {
        return get(key).orElseThrow(() -> new AssertionError("no " + key + "= in the unit"));
    }

    /** The word after {@code option} in ExecStart. */
    Optional<String> execStartOption(String option) {
        List<String> words = List.of(require("ExecStart").split("\\s+"));
        int i = words.indexOf(option);
        return i >= 0 && i + 1 < words.size() ? Optional.of(words.get(i + 1)) : Optional.empty();
    }
}
