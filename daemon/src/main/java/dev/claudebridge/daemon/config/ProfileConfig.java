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
 * @param allowArgs denied-by-default arguments this profile may use, e.g. {@code --dangerously-skip-permissions}
 * @param allowSubcommands denied-by-default subcommands this profile may use, e.g. {@code "mcp add"}
 * @param maxRunning processes of this profile running at once; 0: only the global cap applies
 * @param queueTimeout longest wait in the queue (issue 6)
 * @param rate token bucket per profile (issue 6)
 * @param maxRuntime longest run of one process; zero: unlimited (issue 6)
 * @param request size limits on the request's fields
 * @param sandbox whether claude runs in the host-side sandbox, and what it sees there
 * @param claudeSettings which settings files claude loads, and whether the daemon adds its own
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
        ClaudeSettingsConfig claudeSettings) {
    public ProfileConfig {
        mappings = List.copyOf(mappings);
        envAllow = List.copyOf(envAllow);
        allowArgs = List.copyOf(allowArgs);
        allowSubcommands = List.copyOf(allowSubcommands);
    }

    /** A profile with the default {@link ClaudeSettingsConfig}. */
    public ProfileConfig(
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
            boolean sandbox) {
        this(
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
                request,
                sandbox ? SandboxConfig.ON : SandboxConfig.OFF,
                ClaudeSettingsConfig.defaults());
    }

    public static ProfileConfig defaults(String name) {
        return new ProfileConfig(
                name,
                PeerMatch.NONE,
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                0,
                Duration.ofMinutes(10),
                RateConfig.defaults(),
                Duration.ZERO,
                RequestLimits.defaults(),
                false);
    }

    public ProfileConfig withMappings(List<PathMapping> m) {
        return new ProfileConfig(
                name,
                match,
                m,
                envAllow,
                allowArgs,
                allowSubcommands,
                maxRunning,
                queueTimeout,
                rate,
                maxRuntime,
                request,
                sandbox,
                claudeSettings);
    }

    public ProfileConfig withEnvAllow(List<String> e) {
        return new ProfileConfig(
                name,
                match,
                mappings,
                e,
                allowArgs,
                allowSubcommands,
                maxRunning,
                queueTimeout,
                rate,
                maxRuntime,
                request,
                sandbox,
                claudeSettings);
    }

    public ProfileConfig withClaudeSettings(ClaudeSettingsConfig c) {
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
                request,
                sandbox,
                c);
    }

    /**
     * Peer-credential rules (SO_PEERCRED). A caller matches when its uid is listed or its primary gid
     * is listed. Entries are names or numeric ids.
     */
    public record PeerMatch(List<String> uids, List<String> gids) {
        public static final PeerMatch NONE = new PeerMatch(List.of(), List.of());

        public PeerMatch {
            uids = List.copyOf(uids);
            gids = List.copyOf(gids);
        }

        public boolean isEmpty() {
            return uids.isEmpty() && gids.isEmpty();
        }
    }

    /**
     * Token bucket: {@code perMinute} tokens a minute, at most {@code burst} saved up; zero per-minute: unlimited.
     */
    public record RateConfig(int perMinute, int burst) {
        public static RateConfig defaults() {
            // generous enough that an orchestrator starting 200 agents at once is queued, not refused;
            // tight enough to stop a runaway loop from spending the host's subscription
            return new RateConfig(120, 200);
        }
    }
}
