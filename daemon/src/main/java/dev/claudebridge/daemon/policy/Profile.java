package dev.claudebridge.daemon.policy;

import dev.claudebridge.daemon.config.ProfileConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A profile compiled for use: its configuration, and the policy objects built from it once per
 * configuration snapshot.
 */
public record Profile(ProfileConfig config, PathMapper paths, EnvPolicy env, ArgumentPolicy arguments) {
    public static Profile of(ProfileConfig c) {
        List<String> allow = new ArrayList<>(EnvPolicy.DEFAULT_ALLOW);
        allow.addAll(c.envAllow());
        PathMapper paths = new PathMapper(c.mappings());
        return new Profile(
                c,
                paths,
                new EnvPolicy(allow),
                new ArgumentPolicy(
                        c.name(),
                        c.allowArgs(),
                        c.allowSubcommands(),
                        c.sandbox().enabled(),
                        new OptionPaths(paths, c.name()),
                        c.mcpHosts()));
    }

    public String name() {
        return config.name();
    }
}
