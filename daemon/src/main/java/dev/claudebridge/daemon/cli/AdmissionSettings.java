package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.admission.ProfileLimits;
import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.session.BridgeSettings;
import dev.claudebridge.daemon.session.SessionInfo;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/** What admission reads from the current configuration snapshot (the flags already on top of it). */
final class AdmissionSettings {
    private AdmissionSettings() {}

    /** The bridge-wide limits, each {@code auto} worked out for this host once per snapshot. */
    static Supplier<LimitsConfig> limits(Supplier<BridgeSettings> settings) {
        AtomicReference<Snapshot> last = new AtomicReference<>(new Snapshot(null, null));
        return () -> {
            BridgeConfig config = settings.get().config();
            Snapshot s = last.get();
            if (s.config != config) {
                s = new Snapshot(config, config.limits().resolved());
                last.set(s);
            }
            return s.limits;
        };
    }

    /** The limits of the profile a session was bound to (the default profile before it is bound). */
    static Function<SessionInfo, ProfileLimits> profiles(Supplier<BridgeSettings> settings) {
        return session -> ProfileLimits.of(session.profile()
                .orElseGet(() -> settings.get()
                        .config()
                        .profile(BridgeConfig.DEFAULT_PROFILE)
                        .orElseThrow()));
    }

    /** Identity of the snapshot the limits were worked out for. */
    private record Snapshot(BridgeConfig config, LimitsConfig limits) {}
}
