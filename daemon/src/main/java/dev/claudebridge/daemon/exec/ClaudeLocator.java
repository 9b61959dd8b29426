package dev.claudebridge.daemon.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the real {@code claude} on the host and works out how to start it. Every common install is
 * covered: the native installer ({@code ~/.local/bin/claude}), today's npm package (a native binary
 * behind a symlink), and older npm releases or {@code --ignore-scripts} installs, whose {@code claude}
 * is a JavaScript file with an {@code env node} shebang. For those, {@code node} is looked up on PATH,
 * beside the {@code claude} link (nvm and npm prefixes put them together), and in the usual places, so
 * it is found even under systemd's bare PATH.
 */
public final class ClaudeLocator {
    private final Optional<Path> configured;
    private final Map<String, String> env;

    /**
     * @param configured the {@code --claude} path, if one was given
     * @param env the daemon's environment (PATH and HOME are read from it)
     */
    public ClaudeLocator(Optional<Path> configured, Map<String, String> env) {
        this.configured = configured;
        this.env = env;
    }

    /** The places searched, in order, for error messages and the startup log. */
    public List<Path> candidates() {
        Set<Path> out = new LinkedHashSet<>();
        configured.ifPresent(out::add);
        if (configured.isEmpty()) {
            pathDirs().forEach(d -> out.add(d.resolve("claude")));
            home().ifPresent(h -> {
                out.add(h.resolve(".local/bin/claude"));
                out.add(h.resolve(".claude/local/claude"));
                out.add(h.resolve(".npm-global/bin/claude"));
                nvmBins(h).forEach(b -> out.add(b.resolve("claude")));
            });
            out.add(Path.of("/usr/local/bin/claude"));
            out.add(Path.of("/usr/bin/claude"));
            out.add(Path.of("/opt/homebrew/bin/claude"));
        }
        return List.copyOf(out);
    }

    /** Where the search looks, in a few words for messages (the full list is {@link #candidates()}). */
    public String searchDescription() {
        return configured
                .map(p -> "only at " + p + " (--claude)")
                .orElse(
                        "on the daemon's PATH, in ~/.local/bin, ~/.claude/local, ~/.npm-global/bin, nvm's node versions, "
                                + "/usr/local/bin, /usr/bin and /opt/homebrew/bin");
    }

    /**
     * The last command worked out, and the file it was worked out from (where {@code found} leads):
     * asked on every request, it is reused while that file is the same one (inode, size, modification
     * time), so a request does not resolve the links and read the file's head again. Only a command
     * whose interpreter came from no search (none, or a shebang's absolute path) is kept: a search
     * could find another one later.
     */
    private record Known(Path found, Object fileKey, FileTime modified, long size, ClaudeCommand command) {
        boolean holdsFor(Path candidate, BasicFileAttributes a) {
            return found.equals(candidate)
                    && java.util.Objects.equals(fileKey, a.fileKey())
                    && modified.equals(a.lastModifiedTime())
                    && size == a.size()
                    && (command.prefix().size() == 1
                            || Files.isExecutable(Path.of(command.prefix().getFirst())));
        }
    }

    private volatile Known known;

    /** The command that runs claude, or empty when no install was found. */
    public Optional<ClaudeCommand> locate() {
        for (Path candidate : candidates()) {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(candidate, BasicFileAttributes.class); // through the links, as exec goes
            } catch (IOException e) {
                continue;
            }
            if (a.isRegularFile() && Files.isExecutable(candidate)) {
                Known k = known;
                if (k != null && k.holdsFor(candidate, a)) {
                    return Optional.of(k.command());
                }
                Optional<Worked> w = worked(candidate);
                if (w.isPresent()) {
                    known = w.get().searched()
                            ? null
                            : new Known(
                                    candidate,
                                    a.fileKey(),
                                    a.lastModifiedTime(),
                                    a.size(),
                                    w.get().command());
                    return Optional.of(w.get().command());
                }
            }
        }
        return Optional.empty();
    }

    /** How to run one executable: directly, or through the interpreter its shebang names. */
    Optional<ClaudeCommand> commandFor(Path found) {
        return worked(found).map(Worked::command);
    }

    /** A command, and whether its interpreter had to be searched for. */
    private record Worked(ClaudeCommand command, boolean searched) {}

    private Optional<Worked> worked(Path found) {
        Path real;
        byte[] head;
        try {
            real = found.toRealPath();
            head = readHead(real);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (head.length < 2 || head[0] != '#' || head[1] != '!') {
            // ELF or anything exec can run
            return Optional.of(new Worked(new ClaudeCommand(found, List.of(real.toString())), false));
        }
        List<String> shebang = shebang(head);
        if (shebang.isEmpty()) {
            return Optional.empty();
        }
        String interpreter = shebang.getFirst();
        List<String> args = new ArrayList<>(shebang.subList(1, shebang.size()));
        if (interpreter.endsWith("/env")) {
            if (!args.isEmpty() && args.getFirst().equals("-S")) {
                args.removeFirst();
            }
            if (args.isEmpty()) {
                return Optional.empty();
            }
            interpreter = args.removeFirst();
        }
        boolean absolute = interpreter.startsWith("/") && Files.isExecutable(Path.of(interpreter));
        Optional<Path> program = absolute
                ? Optional.of(Path.of(interpreter))
                : findInterpreter(Path.of(interpreter).getFileName().toString(), found, real);
        if (program.isEmpty()) {
            return Optional.empty();
        }
        List<String> prefix = new ArrayList<>();
        prefix.add(program.get().toString());
        prefix.addAll(args);
        prefix.add(real.toString());
        return Optional.of(new Worked(new ClaudeCommand(found, prefix), !absolute));
    }

    private Optional<Path> findInterpreter(String name, Path link, Path real) {
        Set<Path> dirs = new LinkedHashSet<>(pathDirs());
        if (link.getParent() != null) {
            dirs.add(link.getParent());
        }
        // <prefix>/lib/node_modules/@anthropic-ai/claude-code/cli.js -> <prefix>/bin/node
        for (Path p = real.getParent(); p != null; p = p.getParent()) {
            if (p.getFileName() != null
                    && p.getFileName().toString().equals("node_modules")
                    && p.getParent() != null
                    && p.getParent().getParent() != null) {
                dirs.add(p.getParent().getParent().resolve("bin"));
            }
        }
        home().ifPresent(h -> dirs.addAll(nvmBins(h)));
        dirs.add(Path.of("/usr/local/bin"));
        dirs.add(Path.of("/usr/bin"));
        dirs.add(Path.of("/opt/homebrew/bin"));
        return dirs.stream()
                .map(d -> d.resolve(name))
                .filter(Files::isExecutable)
                .filter(Files::isRegularFile)
                .findFirst();
    }

    private List<Path> pathDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String d : env.getOrDefault("PATH", "").split(":")) {
            if (d.startsWith("/")) {
                dirs.add(Path.of(d));
            }
        }
        return dirs;
    }

    private Optional<Path> home() {
        String h = env.getOrDefault("HOME", System.getProperty("user.home", ""));
        return h.startsWith("/") ? Optional.of(Path.of(h)) : Optional.empty();
    }

    /** nvm's node versions, newest first (compared numerically: v20 is newer than v9). */
    private static List<Path> nvmBins(Path home) {
        Path versions = home.resolve(".nvm/versions/node");
        if (!Files.isDirectory(versions)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(versions)) {
            return s.sorted(Comparator.comparing(
                                    (Path v) -> versionKey(v.getFileName().toString()))
                            .reversed())
                    .map(v -> v.resolve("bin"))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** "v20.11.1" as a zero-padded string that sorts like the version. */
    private static String versionKey(String name) {
        StringBuilder key = new StringBuilder();
        for (String part : name.replaceFirst("^v", "").split("\\.")) {
            key.append(String.format(
                    "%010d.",
                    part.chars().allMatch(Character::isDigit) && !part.isEmpty()
                            ? Long.parseLong(part.length() > 9 ? part.substring(0, 9) : part)
                            : 0));
        }
        return key.toString();
    }

    private static byte[] readHead(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(256);
        }
    }

    /** The words of a "#!" line. */
    static List<String> shebang(byte[] head) {
        int end = 2;
        while (end < head.length && head[end] != '\n') {
            end++;
        }
        String line = new String(head, 2, end - 2, StandardCharsets.UTF_8).trim();
        List<String> words = new ArrayList<>();
        for (String w : line.split("[ \t]+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }
}
