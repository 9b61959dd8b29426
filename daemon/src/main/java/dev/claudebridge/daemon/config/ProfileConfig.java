package dev.claudebridge.daemon.config;

import java.time.Duration;
import java.util.List;

/**
 * What callers bound to this profile may do ({@code profiles.NAME:}).
 *
 * @param name the profile's name (its key in the file)
 * @param match peer-credential rules that bind a caller to this profile whatever socket it came through
 * @param mappings container path prefix to host directory; none: each request runs in an empty private directory
 * @param envAllow caller variables passed on top of the built-in default list (NAME, or NAME* for a prefix)
 * @param allowArgs opt-in arguments this profile may use, e.g. {@code --permission-mode=acceptEdits}
 * @param allowSubcommands opt-in subcommands this profile may use, e.g. {@code "mcp list"}
 * @param maxRunning processes of this profile running at once; 0: only the global cap applies
 * @param queueTimeout longest wait in the queue; 0: no limit
 * @param rate token bucket per caller
 * @param maxRuntime longest run of one process; zero: unlimited
 * @param request size limits on the request's fields
 * @param sandbox whether claude runs in the host-side sandbox, and what it sees there
 * @param claudeSettings which settings files claude loads, and whether the daemon adds its own
 * @param mcpHosts the hosts a caller's remote (http, sse) MCP servers may be at: a name, or {@code *.DOMAIN}
 *     for the names under it; none: remote servers are refused
 * @param budget tokens and cost its clients may use per day and per request
 */
public record ProfileConfig(
        String name,
        PeerMatch match,
        List<PathMapping> mappings,
        List<String> envAllow,
        List<String> allowArgs,
        List<String> allowSubcommands,
        int maxRunning,
        Duration queueTimeout,
        RateConfig rate,
        Duration maxRuntime,
        RequestLimits request,
        SandboxConfig sandbox,
        ClaudeSettingsConfig claudeSettings,
        List<String> mcpHosts,
        BudgetConfig budget) {
    private static final Table<ProfileConfig> TABLE = new Table<>(v -> new ProfileConfig(
            v.get(ProfileConfig.NAME),
            v.get(ProfileConfig.MATCH),
            v.get(ProfileConfig.MAPPINGS),
            v.get(ProfileConfig.ENV_ALLOW),
            v.get(ProfileConfig.ALLOW_ARGS),
            v.get(ProfileConfig.ALLOW_SUBCOMMANDS),
            v.get(ProfileConfig.MAX_RUNNING),
            v.get(ProfileConfig.QUEUE_TIMEOUT),
            v.get(ProfileConfig.RATE),
            v.get(ProfileConfig.MAX_RUNTIME),
            v.get(ProfileConfig.REQUEST),
            v.get(ProfileConfig.SANDBOX),
            v.get(ProfileConfig.CLAUDE_SETTINGS),
            v.get(ProfileConfig.MCP_HOSTS),
            v.get(ProfileConfig.BUDGET)));

    /** Its key under {@code profiles:}, not a key of its own. */
    public static final Setting<ProfileConfig, String> NAME =
            TABLE.computed(BridgeConfig.DEFAULT_PROFILE, ProfileConfig::name);

    public static final Setting<ProfileConfig, PeerMatch> MATCH =
            TABLE.section("match", PeerMatch.TABLE, ProfileConfig::match);
    public static final Setting<ProfileConfig, List<PathMapping>> MAPPINGS =
            TABLE.list("mappings", List.of(), PathMapping::parse, ProfileConfig::mappings);
    public static final Setting<ProfileConfig, List<String>> ENV_ALLOW =
            TABLE.list("env-allow", List.of(), ProfileConfig::variable, ProfileConfig::envAllow);
    public static final Setting<ProfileConfig, List<String>> ALLOW_ARGS =
            TABLE.arguments("allow-args", List.of(), ArgumentVocabulary::option, ProfileConfig::allowArgs);
    public static final Setting<ProfileConfig, List<String>> ALLOW_SUBCOMMANDS = TABLE.arguments(
            "allow-subcommands", List.of(), ArgumentVocabulary::subcommand, ProfileConfig::allowSubcommands);
    public static final Setting<ProfileConfig, Integer> MAX_RUNNING =
            TABLE.integer("max-running", 0, 0, 100_000, ProfileConfig::maxRunning);
    public static final Setting<ProfileConfig, Duration> QUEUE_TIMEOUT =
            TABLE.duration("queue-timeout", Duration.ofMinutes(10), ProfileConfig::queueTimeout);
    public static final Setting<ProfileConfig, RateConfig> RATE =
            TABLE.section("rate", RateConfig.TABLE, ProfileConfig::rate);
    public static final Setting<ProfileConfig, Duration> MAX_RUNTIME =
            TABLE.duration("max-runtime", Duration.ZERO, ProfileConfig::maxRuntime);
    public static final Setting<ProfileConfig, RequestLimits> REQUEST =
            TABLE.inline(RequestLimits.TABLE, ProfileConfig::request);
    public static final Setting<ProfileConfig, SandboxConfig> SANDBOX = TABLE.wordOrSection(
            "sandbox",
            SandboxConfig.OFF,
            SandboxConfig::parse,
            SandboxConfig::show,
            SandboxConfig.TABLE,
            ProfileConfig::sandbox);
    public static final Setting<ProfileConfig, ClaudeSettingsConfig> CLAUDE_SETTINGS =
            TABLE.inline(ClaudeSettingsConfig.TABLE, ProfileConfig::claudeSettings);
    public static final Setting<ProfileConfig, List<String>> MCP_HOSTS =
            TABLE.list("mcp-hosts", List.of(), ProfileConfig::host, ProfileConfig::mcpHosts);
    public static final Setting<ProfileConfig, BudgetConfig> BUDGET =
            TABLE.section("budget", BudgetConfig.TABLE, ProfileConfig::budget);

    public ProfileConfig {
        mappings = List.copyOf(mappings);
        envAllow = List.copyOf(envAllow);
        allowArgs = List.copyOf(allowArgs);
        allowSubcommands = List.copyOf(allowSubcommands);
        mcpHosts = List.copyOf(mcpHosts);
    }

    public static ProfileConfig defaults(String name) {
        return TABLE.defaults().with(NAME, name);
    }

    public <T> ProfileConfig with(Setting<ProfileConfig, T> s, T value) {
        return s.with(this, value);
    }

    /** The {@code profiles.NAME:} section. */
    static ProfileConfig read(Section s, String name) {
        return TABLE.read(s).with(NAME, name);
    }

    private static String variable(String entry) {
        if (!entry.matches("[A-Za-z_][A-Za-z0-9_]*\\*?")) {
            throw new IllegalArgumentException("'" + entry + "' is not a variable name (NAME, or NAME* for a prefix)");
        }
        return entry;
    }

    private static String host(String entry) {
        String e = entry.strip().toLowerCase(java.util.Locale.ROOT);
        if (!e.matches("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+\\]")) {
            throw new IllegalArgumentException("'" + entry
                    + "' is not a host name (e.g. mcp.example.com, *.example.com for the names under it, or [::1])");
        }
        return e;
    }

    /**
     * Identity rules. A Unix caller matches when its uid is listed or its primary gid is listed (SO_PEERCRED;
     * names or numeric ids); a TLS caller when its client certificate's subject (RFC 2253, e.g.
     * {@code CN=agent-1,O=build}) or fingerprint ({@code sha256:HEX}) is listed; a token caller when its
     * token's name is listed.
     */
    public record PeerMatch(List<String> uids, List<String> gids, List<String> certificates, List<String> tokens) {
        static final Table<PeerMatch> TABLE = new Table<>(v -> new PeerMatch(
                v.get(PeerMatch.UIDS), v.get(PeerMatch.GIDS), v.get(PeerMatch.CERTIFICATES), v.get(PeerMatch.TOKENS)));
        public static final Setting<PeerMatch, List<String>> UIDS =
                TABLE.list("uids", List.of(), PeerMatch::id, PeerMatch::uids);
        public static final Setting<PeerMatch, List<String>> GIDS =
                TABLE.list("gids", List.of(), PeerMatch::id, PeerMatch::gids);
        public static final Setting<PeerMatch, List<String>> CERTIFICATES =
                TABLE.list("certificates", List.of(), PeerMatch::certificate, PeerMatch::certificates);
        public static final Setting<PeerMatch, List<String>> TOKENS =
                TABLE.list("tokens", List.of(), PeerMatch::tokenName, PeerMatch::tokens);
        public static final PeerMatch NONE = TABLE.defaults();

        public PeerMatch(List<String> uids, List<String> gids) {
            this(uids, gids, List.of(), List.of());
        }

        public PeerMatch {
            uids = List.copyOf(uids);
            gids = List.copyOf(gids);
            certificates = List.copyOf(certificates);
            tokens = List.copyOf(tokens);
        }

        public boolean isEmpty() {
            return uids.isEmpty() && gids.isEmpty() && certificates.isEmpty() && tokens.isEmpty();
        }

        private static String certificate(String v) {
            if (v.startsWith("sha256:") ? !v.matches("sha256:[0-9a-f]{64}") : !v.contains("=")) {
                throw new IllegalArgumentException(
                        "'" + v + "' is neither a subject (CN=...) nor sha256:HEX (64 lowercase" + " hex digits)");
            }
            return v;
        }

        private static String tokenName(String v) {
            if (!v.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new IllegalArgumentException("'" + v + "' is not a token name (letters, digits, '.', '_', '-')");
            }
            return v;
        }

        private static String id(String v) {
            if (!v.matches("[0-9]+|[A-Za-z_][A-Za-z0-9._-]*\\$?")) {
                throw new IllegalArgumentException("'" + v + "' is neither a numeric id nor a user or group name");
            }
            return v;
        }
    }

    /**
     * Token bucket per caller: {@code perMinute} tokens a minute, at most {@code burst} saved up; zero
     * per-minute: unlimited. The defaults are generous enough that an orchestrator starting 200 agents at
     * once is queued, not refused, and tight enough to stop a runaway loop from spending the host's
     * subscription.
     */
    public record RateConfig(int perMinute, int burst) {
        static final Table<RateConfig> TABLE =
                new Table<>(v -> new RateConfig(v.get(RateConfig.PER_MINUTE), v.get(RateConfig.BURST)));
        public static final Setting<RateConfig, Integer> PER_MINUTE =
                TABLE.integer("per-minute", 120, 0, 1_000_000, RateConfig::perMinute);
        public static final Setting<RateConfig, Integer> BURST =
                TABLE.integer("burst", 200, 1, 1_000_000, RateConfig::burst);

        /**
         * {@code PER_MINUTE/BURST}, e.g. {@code 60/20}; {@code PER_MINUTE} alone bursts its whole minute;
         * {@code 0}: no rate limit. The one-word form of {@code rate:}, for a flag.
         *
         * @throws IllegalArgumentException saying what is expected
         */
        public static RateConfig parse(String spec) {
            String[] parts = spec.split("/", 2);
            try {
                int perMinute = PER_MINUTE.parse(parts[0]);
                return new RateConfig(perMinute, parts.length > 1 ? BURST.parse(parts[1]) : Math.max(1, perMinute));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected PER_MINUTE or PER_MINUTE/BURST, e.g. 60/20; got " + spec
                        + " (" + e.getMessage() + ")");
            }
        }

        /** As {@link #parse} reads it. */
        public String show() {
            return perMinute + "/" + burst;
        }
    }
}
