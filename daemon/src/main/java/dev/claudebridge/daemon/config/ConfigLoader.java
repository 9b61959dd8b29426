package dev.claudebridge.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
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
        Section.Problems problems = new Section.Problems(file.toString());
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
            return BridgeConfig.defaults().withSource(file);
        }
        BridgeConfig config = read(new Section("", root.get(), problems), vocabulary);
        if (!problems.all().isEmpty()) {
            throw new ConfigException(problems.all());
        }
        return config.withSource(file);
    }

    private static BridgeConfig read(Section top, ArgumentVocabulary vocabulary) {
        ClaudeConfig claude = claude(top.section("claude"));
        Map<String, ProfileConfig> profiles = profiles(top.section("profiles"), vocabulary);
        List<ListenerConfig> listeners = listeners(top, profiles);
        LimitsConfig limits = limits(top.section("limits"));
        Section s = top.section("shutdown");
        ShutdownConfig shutdown =
                new ShutdownConfig(s.duration("grace", ShutdownConfig.defaults().grace()));
        s.finish();
        AuditConfig audit = audit(top.section("audit"));
        Section a = top.section("admin");
        AdminConfig admin =
                new AdminConfig(a.string("listen", AdminConfig.defaults().listen()), a.absolutePath("socket"));
        a.finish();
        top.finish();
        return new BridgeConfig(Optional.empty(), claude, listeners, profiles, limits, shutdown, audit, admin);
    }

    private static ClaudeConfig claude(Section s) {
        ClaudeConfig d = ClaudeConfig.defaults();
        ClaudeConfig c = new ClaudeConfig(
                s.absolutePath("path"), s.duration("kill-grace", d.killGrace()), s.absolutePath("credential-file"));
        s.finish();
        return c;
    }

    private static List<ListenerConfig> listeners(Section top, Map<String, ProfileConfig> profiles) {
        if (!top.has("listeners")) {
            return List.of(ListenerConfig.defaults());
        }
        List<ListenerConfig> out = new ArrayList<>();
        List<Node> items = top.items("listeners");
        for (int i = 0; i < items.size(); i++) {
            Section s = new Section("listeners[" + i + "]", items.get(i), top.problems());
            Optional<Path> socket = s.absolutePath("socket");
            if (socket.isEmpty()) {
                if (s.scalar("socket").isEmpty()) {
                    top.problems()
                            .add(
                                    items.get(i),
                                    s.field("socket"),
                                    "each listener needs the absolute path of its socket");
                }
            } else if (out.stream().anyMatch(l -> l.socket().equals(socket.get()))) {
                top.problems().add(items.get(i), s.field("socket"), "two listeners on the same socket " + socket.get());
            } else if (socket.get().toString().getBytes(StandardCharsets.UTF_8).length > 106) {
                top.problems()
                        .add(items.get(i), s.field("socket"), "longer than the 106 bytes a Unix socket path may have");
            }
            int mode = s.parsed("mode", ListenerConfig.DEFAULT_MODE, Units::mode);
            Optional<String> owner = s.scalar("owner").filter(v -> !v.isEmpty());
            Optional<String> group = s.scalar("group").filter(v -> !v.isEmpty());
            Optional<String> profile = Optional.of(s.string("profile", BridgeConfig.DEFAULT_PROFILE))
                    .filter(v -> !v.isEmpty());
            if (profile.isPresent() && !profiles.containsKey(profile.get())) {
                top.problems()
                        .add(
                                s.value("profile").orElse(items.get(i)),
                                s.field("profile"),
                                "no profile named '" + profile.get() + "'; defined: " + profiles.keySet());
                profile = Optional.of(BridgeConfig.DEFAULT_PROFILE);
            }
            s.finish();
            if (socket.isPresent()) {
                out.add(new ListenerConfig(socket.get(), mode, owner, group, profile));
            }
        }
        if (out.isEmpty() && top.problems().all().isEmpty()) {
            top.problems()
                    .add(top.value("listeners").orElse(top.node()), "listeners", "at least one listener is needed");
        }
        return out.isEmpty() ? List.of(ListenerConfig.defaults()) : out;
    }

    private static Map<String, ProfileConfig> profiles(Section s, ArgumentVocabulary vocabulary) {
        Map<String, ProfileConfig> out = new LinkedHashMap<>();
        for (String name : s.keys()) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                s.problems()
                        .add(
                                s.value(name).orElse(s.node()),
                                s.field(name),
                                "a profile name is letters, digits, '.', '_' or '-'");
            }
            out.put(name, new ProfileReader(s.section(name), name, vocabulary).read());
        }
        s.finish();
        // the default profile always exists: a listener names it unless told otherwise
        out.putIfAbsent(BridgeConfig.DEFAULT_PROFILE, ProfileConfig.defaults(BridgeConfig.DEFAULT_PROFILE));
        return out;
    }

    private static LimitsConfig limits(Section s) {
        LimitsConfig d = LimitsConfig.defaults();
        int maxRunning = s.parsed(
                "max-running",
                d.maxRunning(),
                v -> v.trim().equals("auto") ? LimitsConfig.AUTO : positive(v, "a whole number of processes, or auto"));
        LimitsConfig l = new LimitsConfig(
                maxRunning,
                s.integer("max-queued", d.maxQueued(), 0, 1_000_000),
                s.integer("max-connections", d.maxConnections(), 1, 1_000_000),
                s.duration("handshake-timeout", d.handshakeTimeout()),
                s.duration("idle-timeout", d.idleTimeout()),
                s.parsed(
                        "client-max-connections",
                        d.clientMaxConnections(),
                        v -> v.trim().equals("auto")
                                ? LimitsConfig.AUTO
                                : positive(v, "a whole number of connections, or auto")),
                s.parsed(
                        "client-max-queued",
                        d.clientMaxQueued(),
                        v -> v.trim().equals("auto")
                                ? LimitsConfig.AUTO
                                : positive(v, "a whole number of requests, or auto")),
                s.parsed(
                        "handshake-memory",
                        d.handshakeMemory(),
                        v -> v.trim().equals("auto")
                                ? (long) LimitsConfig.AUTO
                                : Section.within(Units.size(v), 1L << 20, 1L << 40, Units::formatSize)),
                s.duration("write-deadline", d.writeDeadline()));
        s.finish();
        return l;
    }

    private static AuditConfig audit(Section s) {
        AuditConfig d = AuditConfig.defaults();
        AuditConfig a = new AuditConfig(
                s.absolutePath("path").orElse(d.path()),
                s.size("max-size", d.maxSize(), 4096, Long.MAX_VALUE / 2),
                s.integer("keep", d.keep(), 0, 1000),
                s.bool("fail-closed", d.failClosed()),
                s.integer("max-arg-length", d.maxArgLength(), 0, 1024 * 1024));
        s.finish();
        return a;
    }

    static int positive(String v, String what) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("expected " + what + ", got '" + v + "'");
    }

    /** One {@code profiles.NAME} section. */
    private record ProfileReader(Section s, String name, ArgumentVocabulary vocabulary) {
        ProfileConfig read() {
            ProfileConfig d = ProfileConfig.defaults(name);
            Section m = s.section("match");
            ProfileConfig.PeerMatch match = new ProfileConfig.PeerMatch(ids(m, "uids"), ids(m, "gids"));
            m.finish();
            List<PathMapping> mappings = new ArrayList<>();
            for (String spec : s.strings("mappings")) {
                try {
                    mappings.add(PathMapping.parse(spec));
                } catch (IllegalArgumentException e) {
                    s.problems().add(s.at("mappings", spec), s.field("mappings"), e.getMessage());
                }
            }
            List<String> envAllow = s.strings("env-allow");
            for (String e : envAllow) {
                if (!e.matches("[A-Za-z_][A-Za-z0-9_]*\\*?")) {
                    s.problems()
                            .add(
                                    s.at("env-allow", e),
                                    s.field("env-allow"),
                                    "'" + e + "' is not a variable name (NAME, or NAME* for a prefix)");
                }
            }
            List<String> allowArgs = checked("allow-args", vocabulary::option);
            List<String> allowSubcommands = checked("allow-subcommands", vocabulary::subcommand);
            Section r = s.section("rate");
            ProfileConfig.RateConfig rate = new ProfileConfig.RateConfig(
                    r.integer("per-minute", d.rate().perMinute(), 0, 1_000_000),
                    r.integer("burst", d.rate().burst(), 1, 1_000_000));
            r.finish();
            RequestLimits dl = d.request();
            RequestLimits limits = new RequestLimits(
                    s.size("max-request-bytes", dl.maxRequestBytes(), 1024, dl.maxRequestBytes()),
                    s.integer("max-args", dl.maxArgs(), 0, 100_000),
                    s.size("max-argv-bytes", dl.maxArgvBytes(), 0, dl.maxRequestBytes()),
                    s.integer("max-env-vars", dl.maxEnvVars(), 0, 100_000),
                    s.size("max-env-bytes", dl.maxEnvBytes(), 0, dl.maxRequestBytes()),
                    (int) s.size("max-cwd-bytes", dl.maxCwdBytes(), 1, 65536));
            int maxRunning = s.integer("max-running", d.maxRunning(), 0, 100_000);
            Duration queueTimeout = s.duration("queue-timeout", d.queueTimeout());
            Duration maxRuntime = s.duration("max-runtime", d.maxRuntime());
            SandboxConfig sandbox = sandbox(d.sandbox());
            ClaudeSettingsConfig claudeSettings = claudeSettings(d.claudeSettings());
            s.finish();
            return new ProfileConfig(
                    name,
                    match,
                    mappings,
                    envAllow,
                    allowArgs,
                    allowSubcommands,
                    maxRunning,
                    queueTimeout,
                    rate,
                    maxRuntime,
                    limits,
                    sandbox,
                    claudeSettings);
        }

        /** {@code sandbox: on} (or true), {@code off} (or false), or a mapping of its settings (which turns it on). */
        private SandboxConfig sandbox(SandboxConfig d) {
            Optional<Node> v = s.value("sandbox");
            if (v.isEmpty()) {
                return d;
            }
            if (v.get() instanceof org.snakeyaml.engine.v2.nodes.ScalarNode scalar) {
                return switch (scalar.getValue().trim()) {
                    case "true", "on" -> SandboxConfig.ON;
                    case "false", "off" -> SandboxConfig.OFF;
                    default -> {
                        s.problems()
                                .add(
                                        scalar,
                                        s.field("sandbox"),
                                        "expected on, off, or a mapping of sandbox settings, got '" + scalar.getValue()
                                                + "'");
                        yield d;
                    }
                };
            }
            Section sb = s.section("sandbox");
            List<Path> readOnly = new ArrayList<>();
            for (String p : sb.strings("read-only")) {
                if (!p.startsWith("/") || p.indexOf('\0') >= 0) {
                    sb.problems()
                            .add(
                                    sb.at("read-only", p),
                                    sb.field("read-only"),
                                    "expected absolute paths, got '" + p + "'");
                } else {
                    readOnly.add(Path.of(p).normalize());
                }
            }
            List<String> network = new ArrayList<>();
            for (String e : sb.strings("network")) {
                try {
                    network.add(NetworkEntry.canonical(e));
                } catch (IllegalArgumentException x) {
                    sb.problems().add(sb.value("network").orElseThrow(), sb.field("network"), x.getMessage());
                }
            }
            sb.finish();
            return new SandboxConfig(true, readOnly, network.stream().distinct().toList());
        }

        private ClaudeSettingsConfig claudeSettings(ClaudeSettingsConfig d) {
            List<String> sources = s.has("setting-sources") ? s.strings("setting-sources") : d.sources();
            for (String v : sources) {
                if (!ClaudeSettingsConfig.SOURCE_NAMES.contains(v)) {
                    s.problems()
                            .add(
                                    s.at("setting-sources", v),
                                    s.field("setting-sources"),
                                    "'" + v + "' is not one of claude's setting sources "
                                            + ClaudeSettingsConfig.SOURCE_NAMES);
                }
            }
            return new ClaudeSettingsConfig(sources, s.bool("daemon-settings", d.daemonSettings()));
        }

        private List<String> checked(String key, java.util.function.Function<String, String> normalize) {
            List<String> out = new ArrayList<>();
            for (String v : s.strings(key)) {
                try {
                    out.add(normalize.apply(v));
                } catch (IllegalArgumentException e) {
                    s.problems().add(s.at(key, v), s.field(key), e.getMessage());
                }
            }
            return out;
        }

        private static List<String> ids(Section m, String key) {
            List<String> out = new ArrayList<>();
            for (String v : m.strings(key)) {
                if (!v.matches("[0-9]+|[A-Za-z_][A-Za-z0-9._-]*\\$?")) {
                    m.problems()
                            .add(
                                    m.at(key, v),
                                    m.field(key),
                                    "'" + v + "' is neither a numeric id nor a user or group name");
                } else {
                    out.add(v);
                }
            }
            return out;
        }
    }
}
