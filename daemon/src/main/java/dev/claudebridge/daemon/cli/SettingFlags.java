package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ClaudeConfig;
import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.config.ProfileConfig.RateConfig;
import dev.claudebridge.daemon.config.Setting;
import dev.claudebridge.daemon.config.ShutdownConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code serve}'s flags that set one key of the configuration each, on top of the file and again on
 * top of each reloaded file. A flag's syntax, range and default are its key's ({@link Setting}); only
 * its name and its help are its own.
 */
final class SettingFlags {
    private static final List<Flag<?>> FLAGS = List.of(
            limit(
                    "--max-running",
                    "N",
                    LimitsConfig.MAX_RUNNING,
                    "Host processes running at once, over all profiles; auto: twice the cores, at most one per GiB of memory"),
            limit(
                    "--max-queued",
                    "N",
                    LimitsConfig.MAX_QUEUED,
                    "Requests waiting for a slot; one more is refused with queue_full"),
            limit(
                    "--max-connections",
                    "N",
                    LimitsConfig.MAX_CONNECTIONS,
                    "Connections open at once; one more is refused"),
            limit(
                    "--client-max-connections",
                    "N",
                    LimitsConfig.CLIENT_MAX_CONNECTIONS,
                    "Connections one caller (a container, or a host user) may hold open at once; auto: an eighth of max-connections"),
            limit(
                    "--client-max-queued",
                    "N",
                    LimitsConfig.CLIENT_MAX_QUEUED,
                    "Requests one caller may have waiting at once; auto: a quarter of max-queued"),
            limit(
                    "--handshake-memory",
                    "SIZE",
                    LimitsConfig.HANDSHAKE_MEMORY,
                    "Bytes of requests being received or held at once, all callers together; one caller may hold a quarter; auto: a quarter of the heap"),
            limit(
                    "--handshake-timeout",
                    "DURATION",
                    LimitsConfig.HANDSHAKE_TIMEOUT,
                    "Time a new connection has to send its request before it is dropped"),
            limit(
                    "--idle-timeout",
                    "DURATION",
                    LimitsConfig.IDLE_TIMEOUT,
                    "End a running request that passes no bytes either way for this long; 0: never"),
            limit(
                    "--write-deadline",
                    "DURATION",
                    LimitsConfig.WRITE_DEADLINE,
                    "A caller that takes no output for this long while a write to it waits counts as gone; 0: never"),
            limit(
                    "--start-rate",
                    "PER_SECOND",
                    LimitsConfig.START_RATE,
                    "Processes started per second at most, all profiles together (e.g. 0.5); 0: no limit"),
            everyProfile(
                    "--profile-max-running",
                    "N",
                    ProfileConfig.MAX_RUNNING,
                    "Every profile's own cap on running processes; 0: only --max-running applies"),
            everyProfile(
                    "--queue-timeout",
                    "DURATION",
                    ProfileConfig.QUEUE_TIMEOUT,
                    "Every profile's longest wait for a slot before queue_timeout; 0: no limit"),
            new Flag<>(
                    "--rate",
                    "PER_MINUTE[/BURST]",
                    "Every profile's token-bucket rate limit per caller, e.g. 60/20 (PER_MINUTE alone bursts a whole minute); 0: none",
                    "profiles.*.rate",
                    RateConfig::parse,
                    ProfileConfig.RATE.dflt().show(),
                    (c, v) -> c.withEveryProfile(p -> p.with(ProfileConfig.RATE, v)),
                    false),
            everyProfile(
                    "--max-runtime",
                    "DURATION",
                    ProfileConfig.MAX_RUNTIME,
                    "End a request's process after this long; 0: never"),
            inSection(
                    "--shutdown-grace",
                    "DURATION",
                    BridgeConfig.SHUTDOWN,
                    ShutdownConfig.GRACE,
                    "On SIGTERM, time running requests get to finish before they are ended"),
            inSection(
                    "--kill-grace",
                    "DURATION",
                    BridgeConfig.CLAUDE,
                    ClaudeConfig.KILL_GRACE,
                    "Time between SIGTERM and SIGKILL when a process tree is ended, e.g. 1s or PT1S"),
            new Flag<>(
                    "--socket-mode",
                    "MODE",
                    "File mode of the socket(s), octal",
                    "listeners[*].mode",
                    ListenerConfig.MODE::parse,
                    ListenerConfig.MODE.show(ListenerConfig.MODE.dflt()),
                    (c, v) -> c.with(
                            BridgeConfig.LISTENERS,
                            c.listeners().stream()
                                    .map(l -> l.with(ListenerConfig.MODE, v))
                                    .toList()),
                    false),
            defaultProfile(
                    "--map",
                    "CONTAINER=HOST",
                    ProfileConfig.MAPPINGS,
                    "Map a container path prefix to a host directory (repeatable; replaces the default profile's"
                            + " mappings); with none, each request runs in an empty private directory"),
            defaultProfile(
                    "--allow-env",
                    "NAME",
                    ProfileConfig.ENV_ALLOW,
                    "Also pass this caller variable (repeatable; NAME* for a prefix; replaces the default profile's"
                            + " env-allow); built in: TERM, COLORTERM, LANG, LC_*, TZ, NO_COLOR, FORCE_COLOR and the"
                            + " Agent SDKs' and tuning variables (docs/CONFIG.md)"));

    private final Map<Flag<?>, OptionSpec> options = new LinkedHashMap<>();

    /** Declares the flags on a command; their values are read back from it by {@link #apply}. */
    void addTo(CommandSpec spec) {
        for (Flag<?> f : FLAGS) {
            OptionSpec o = f.option();
            spec.addOption(o);
            options.put(f, o);
        }
    }

    /** The configuration with every flag that was given on top. */
    BridgeConfig apply(BridgeConfig config) {
        BridgeConfig c = config;
        for (Map.Entry<Flag<?>, OptionSpec> e : options.entrySet()) {
            c = e.getKey().applyGiven(c, e.getValue());
        }
        return c;
    }

    private static <T> Flag<T> limit(String name, String label, Setting<LimitsConfig, T> s, String help) {
        return inSection(name, label, BridgeConfig.LIMITS, s, help);
    }

    private static <S, T> Flag<T> inSection(
            String name, String label, Setting<BridgeConfig, S> section, Setting<S, T> s, String help) {
        return new Flag<>(
                name,
                label,
                help,
                section.key() + "." + s.key(),
                s::parse,
                s.show(s.dflt()),
                (c, v) -> c.with(section, s.with(section.get(c), v)),
                false);
    }

    private static <T> Flag<T> everyProfile(String name, String label, Setting<ProfileConfig, T> s, String help) {
        return new Flag<>(
                name,
                label,
                help,
                "profiles.*." + s.key(),
                s::parse,
                s.show(s.dflt()),
                (c, v) -> c.withEveryProfile(p -> p.with(s, v)),
                false);
    }

    /** A repeatable flag: each occurrence adds one item to the default profile's list. */
    private static <T> Flag<List<T>> defaultProfile(
            String name, String label, Setting<ProfileConfig, List<T>> s, String help) {
        return new Flag<>(
                name,
                label,
                help,
                "profiles." + BridgeConfig.DEFAULT_PROFILE + "." + s.key(),
                s::parse,
                "",
                (c, v) -> c.withProfile(
                        c.profile(BridgeConfig.DEFAULT_PROFILE).orElseThrow().with(s, v)),
                true);
    }

    /**
     * One flag.
     *
     * @param key the key it sets, for its help
     * @param parse its value, as the key's own syntax reads it (a list flag's one item, as a list of one)
     * @param dflt the key's default as the file writes it, for its help; "" says none
     * @param apply the configuration with the value in place
     * @param repeatable whether each occurrence adds an item (a list key) rather than sets the value
     */
    private record Flag<T>(
            String name,
            String label,
            String help,
            String key,
            Function<String, T> parse,
            String dflt,
            BiFunction<BridgeConfig, T, BridgeConfig> apply,
            boolean repeatable) {
        OptionSpec option() {
            OptionSpec.Builder b = OptionSpec.builder(name)
                    .paramLabel(label)
                    .description(help + " (" + key + ")."
                            + (dflt.isEmpty() || dflt.equals("[]") ? "" : " Default: " + dflt + "."))
                    .converters(text -> {
                        try {
                            return parse.apply(text);
                        } catch (IllegalArgumentException e) {
                            throw new TypeConversionException(e.getMessage());
                        }
                    });
            return (repeatable ? b.type(List.class).auxiliaryTypes(Object.class) : b.type(Object.class)).build();
        }

        @SuppressWarnings("unchecked") // the option holds what parse made (picocli joins a list flag's items)
        BridgeConfig applyGiven(BridgeConfig c, OptionSpec o) {
            Object v = o.getValue();
            if (v == null || (repeatable && ((List<?>) v).isEmpty())) {
                return c;
            }
            return apply.apply(c, (T) v);
        }
    }
}
