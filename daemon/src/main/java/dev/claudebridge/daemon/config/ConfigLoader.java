package dev.claudebridge.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads and validates the YAML configuration file (docs/CONFIG.md). Every problem is collected, with
 * its file, line and dotted key, before one {@link ConfigException} names them all.
 */
public final class ConfigLoader {
    /** Larger files are refused: a configuration is a few KiB, and the parser holds it all. */
    static final long MAX_FILE_BYTES = 1024 * 1024;

    private ConfigLoader() {}

    /**
     * Loads a file.
     *
     * @param required when false, a missing file gives {@link BridgeConfig#defaults()}
     * @throws ConfigException naming every problem (or the unreadable file)
     */
    public static BridgeConfig load(Path file, boolean required) {
        return load(file, required, ArgumentVocabulary.SYNTAX_ONLY);
    }

    /**
     * Loads a file, checking {@code allow-args} and {@code allow-subcommands} against a vocabulary.
     *
     * @param required when false, a missing file gives {@link BridgeConfig#defaults()}
     * @throws ConfigException naming every problem (or the unreadable file)
     */
    public static BridgeConfig load(Path file, boolean required, ArgumentVocabulary vocabulary) {
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(List.of(
                        new ConfigProblem(file.toString(), 0, "", "larger than 1 MiB; is this the right file?")));
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (!required) {
                return BridgeConfig.defaults();
            }
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "", "no such file")));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ConfigException(
                    List.of(new ConfigProblem(file.toString(), 0, "", "cannot read it: " + e.getMessage())));
        }
        return parse(text, file, vocabulary);
    }

    /** Parses configuration text; {@code file} names it in messages and becomes {@link BridgeConfig#source()}. */
    public static BridgeConfig parse(String text, Path file) {
        return parse(text, file, ArgumentVocabulary.SYNTAX_ONLY);
    }

    /** Parses configuration text, checking argument entries against a vocabulary. */
    public static BridgeConfig parse(String text, Path file, ArgumentVocabulary vocabulary) {
        Section.Problems problems = new Section.Problems(file.toString(), vocabulary);
        Optional<Node> root;
        try {
            LoadSettings settings = LoadSettings.builder()
                    .setLabel(file.toString())
                    .setAllowDuplicateKeys(false)
                    .setMaxAliasesForCollections(20)
                    .setCodePointLimit((int) MAX_FILE_BYTES)
                    .build();
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            throw new ConfigException(
                    List.of(new ConfigProblem(file.toString(), line, "", "not valid YAML: " + e.getProblem())));
        } catch (YamlEngineException e) {
            throw new ConfigException(
                    List.of(new ConfigProblem(file.toString(), 0, "", "not valid YAML: " + e.getMessage())));
        }
        if (root.isEmpty()) {
            return BridgeConfig.defaults().with(BridgeConfig.SOURCE, Optional.of(file));
        }
        BridgeConfig config = read(new Section("", root.get(), problems));
        if (!problems.all().isEmpty()) {
            throw new ConfigException(problems.all());
        }
        return config.with(BridgeConfig.SOURCE, Optional.of(file));
    }

    private static BridgeConfig read(Section top) {
        Map<String, ProfileConfig> profiles = profiles(top.section("profiles"));
        List<ListenerConfig> listeners = listeners(top, profiles);
        BridgeConfig config = BridgeConfig.TABLE.read(
                top, Map.of(BridgeConfig.PROFILES, profiles, BridgeConfig.LISTENERS, listeners));
        top.finish();
        return config;
    }

    private static List<ListenerConfig> listeners(Section top, Map<String, ProfileConfig> profiles) {
        if (!top.has("listeners")) {
            return BridgeConfig.LISTENERS.dflt();
        }
        List<ListenerConfig> out = new ArrayList<>();
        List<Node> items = top.items("listeners");
        for (int i = 0; i < items.size(); i++) {
            Section s = new Section("listeners[" + i + "]", items.get(i), top.problems());
            boolean tls = s.has("tls");
            if (!s.has("socket") && !tls) {
                top.problems()
                        .add(
                                items.get(i),
                                s.field("socket"),
                                "each listener needs the absolute path of its socket, or a tls section");
            } else if (s.has("socket") && tls) {
                top.problems().add(items.get(i), s.field("tls"), "a listener is a socket or a TLS address, not both");
            }
            ListenerConfig l = ListenerConfig.TABLE.read(s);
            s.finish();
            if (tls) {
                Optional<String> missing =
                        l.tls().enabled() ? l.tls().problem() : Optional.of("a tls section needs listen: HOST:PORT");
                if (missing.isPresent()) {
                    top.problems().add(s.value("tls").orElse(items.get(i)), s.field("tls"), missing.get());
                    continue;
                }
            }
            if (l.profile().isPresent() && !profiles.containsKey(l.profile().get())) {
                top.problems()
                        .add(
                                s.value("profile").orElse(items.get(i)),
                                s.field("profile"),
                                "no profile named '" + l.profile().get() + "'; defined: " + profiles.keySet());
            } else if (out.stream().anyMatch(o -> o.name().equals(l.name()))) {
                top.problems()
                        .add(
                                items.get(i),
                                s.field(tls ? "tls" : "socket"),
                                (tls ? "two listeners on the same address " : "two listeners on the same socket ")
                                        + l.name());
            } else if (s.has("socket") || tls) {
                out.add(l);
            }
        }
        if (out.isEmpty() && top.problems().all().isEmpty()) {
            top.problems()
                    .add(top.value("listeners").orElse(top.node()), "listeners", "at least one listener is needed");
        }
        return out.isEmpty() ? BridgeConfig.LISTENERS.dflt() : out;
    }

    private static Map<String, ProfileConfig> profiles(Section s) {
        Map<String, ProfileConfig> out = new LinkedHashMap<>();
        for (String name : s.keys()) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                s.problems()
                        .add(
                                s.value(name).orElse(s.node()),
                                s.field(name),
                                "a profile name is letters, digits, '.', '_' or '-'");
            }
            Section p = s.section(name);
            out.put(name, ProfileConfig.read(p, name));
            p.finish();
        }
        s.finish();
        // the default profile always exists: a listener names it unless told otherwise
        out.putIfAbsent(BridgeConfig.DEFAULT_PROFILE, ProfileConfig.defaults(BridgeConfig.DEFAULT_PROFILE));
        return out;
    }
}
