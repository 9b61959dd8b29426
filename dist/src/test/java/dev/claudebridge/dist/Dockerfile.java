package dev.claudebridge.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The instructions of a Dockerfile, continuation lines joined and comments dropped: enough to check one. */
record Dockerfile(List<Instruction> instructions) {
    private static final Pattern SYMLINK = Pattern.compile("\\bln\\s+-sf?\\s+(\\S+)\\s+(\\S+)");

    record Instruction(String keyword, String args) {}

    static Dockerfile read(Path file) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        try {
            for (String line : Files.readAllLines(file)) {
                String t = line.strip();
                if (t.startsWith("#") || (t.isEmpty() && pending.isEmpty())) {
                    continue;
                }
                if (t.endsWith("\\")) {
                    pending.append(t, 0, t.length() - 1).append(' ');
                    continue;
                }
                String whole = pending.append(t).toString().strip();
                pending.setLength(0);
                int sp = whole.indexOf(' ');
                out.add(new Instruction(
                        whole.substring(0, sp).toUpperCase(),
                        whole.substring(sp + 1).strip()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Dockerfile(List.copyOf(out));
    }

    List<String> all(String keyword) {
        return instructions.stream()
                .filter(i -> i.keyword().equals(keyword))
                .map(Instruction::args)
                .toList();
    }

    /** The value an {@code ENV NAME=value} line sets. */
    Optional<String> env(String name) {
        return all("ENV").stream()
                .filter(a -> a.startsWith(name + "="))
                .map(a -> a.substring(name.length() + 1))
                .findFirst();
    }

    /** Where {@code COPY source dest} puts {@code source}. */
    Optional<String> copyDestination(String source) {
        return all("COPY").stream()
                .map(a -> a.split("\\s+"))
                .filter(w -> w.length == 2 && w[0].equals(source))
                .map(w -> w[1])
                .findFirst();
    }

    /** The {@code [target, link]} of the first {@code ln -s} in a RUN line. */
    Optional<List<String>> symlink() {
        for (String run : all("RUN")) {
            Matcher m = SYMLINK.matcher(run);
            if (m.find()) {
                return Optional.of(List.of(m.group(1), m.group(2)));
            }
        }
        return Optional.empty();
    }
}
