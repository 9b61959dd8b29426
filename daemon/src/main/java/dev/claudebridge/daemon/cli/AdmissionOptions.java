package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.admission.Limits;
import dev.claudebridge.daemon.admission.ProfileLimits;
import dev.claudebridge.daemon.admission.RateLimit;
import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.session.BridgeSettings;
import dev.claudebridge.daemon.session.SessionInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code serve}'s admission flags (issue 6). They override the file's {@code limits:} and
 * {@code shutdown:} sections, and the admission keys of every profile; like the other flags they are
 * applied again on top of each reloaded file.
 */
final class AdmissionOptions {
    @Option(
            names = "--max-running",
            paramLabel = "N",
            description =
                    "Host processes running at once, over all profiles (limits.max-running). Default: auto, twice the cores, at most one per GiB of memory.")
    Optional<Integer> maxRunning = Optional.empty();

    @Option(
            names = "--max-queued",
            paramLabel = "N",
            description =
                    "Requests waiting for a slot; one more is refused with queue_full (limits.max-queued). Default: 200.")
    Optional<Integer> maxQueued = Optional.empty();

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            description = "Connections open at once; one more is refused (limits.max-connections). Default: 512.")
    Optional<Integer> maxConnections = Optional.empty();

    @Option(
            names = "--client-max-connections",
            paramLabel = "N",
            description =
                    "Connections one caller (a container, or a host user) may hold open at once (limits.client-max-connections). Default: auto, an eighth of max-connections.")
    Optional<Integer> clientMaxConnections = Optional.empty();

    @Option(
            names = "--client-max-queued",
            paramLabel = "N",
            description =
                    "Requests one caller may have waiting at once (limits.client-max-queued). Default: auto, a quarter of max-queued.")
    Optional<Integer> clientMaxQueued = Optional.empty();

    @Option(
            names = "--handshake-memory",
            paramLabel = "SIZE",
            converter = SizeConverter.class,
            description =
                    "Bytes of requests being received or held at once, all callers together; one caller may hold a quarter "
                            + "(limits.handshake-memory). Default: auto, a quarter of the heap.")
    Optional<Long> handshakeMemory = Optional.empty();

    @Option(
            names = "--handshake-timeout",
            paramLabel = "DURATION",
            converter = ConfigOptions.DurationConverter.class,
            description =
                    "Time a new connection has to send its request before it is dropped (limits.handshake-timeout). Default: 5s.")
    Optional<Duration> handshakeTimeout = Optional.empty();

    @Option(
            names = "--idle-timeout",
            paramLabel = "DURATION",
            converter = ConfigOptions.DurationConverter.class,
            description =
                    "End a running request that passes no bytes either way for this long; 0: never (limits.idle-timeout). Default: 0.")
    Optional<Duration> idleTimeout = Optional.empty();

    @Option(
            names = "--write-deadline",
            paramLabel = "DURATION",
            converter = ConfigOptions.DurationConverter.class,
            description =
                    "A caller that takes no output for this long while a write to it waits counts as gone; 0: never (limits.write-deadline). Default: 60s.")
    Optional<Duration> writeDeadline = Optional.empty();

    @Option(
            names = "--profile-max-running",
            paramLabel = "N",
            description = "Every profile's own cap on running processes (profiles.*.max-running).")
    Optional<Integer> profileMaxRunning = Optional.empty();

    @Option(
            names = "--queue-timeout",
            paramLabel = "DURATION",
            converter = ConfigOptions.DurationConverter.class,
            description = "Longest wait for a slot before queue_timeout; 0: no limit (profiles.*.queue-timeout).")
    Optional<Duration> queueTimeout = Optional.empty();

    @Option(
            names = "--rate",
            paramLabel = "PER_MINUTE[/BURST]",
            converter = RateConverter.class,
            description = "Every profile's token-bucket rate limit, e.g. 60/20; 0: none (profiles.*.rate).")
    Optional<RateLimit> rate = Optional.empty();

    @Option(
            names = "--max-runtime",
            paramLabel = "DURATION",
            converter = ConfigOptions.DurationConverter.class,
            description = "End a request's process after this long; 0: never (profiles.*.max-runtime).")
    Optional<Duration> maxRuntime = Optional.empty();

    @Option(
            names = "--shutdown-grace",
            paramLabel = "DURATION",
            converter = ConfigOptions.DurationConverter.class,
            description =
                    "On SIGTERM, time running requests get to finish before they are ended (shutdown.grace). Default: 30s.")
    Optional<Duration> shutdownGrace = Optional.empty();

    /** The global limits of the current snapshot, the flags on top; worked out once per snapshot. */
    Supplier<Limits> limits(Supplier<BridgeSettings> settings) {
        AtomicReference<Snapshot> last = new AtomicReference<>(new Snapshot(null, null));
        return () -> {
            BridgeConfig config = settings.get().config();
            Snapshot s = last.get();
            if (s.config != config) {
                s = new Snapshot(config, limits(Limits.of(config.limits())));
                last.set(s);
            }
            return s.limits;
        };
    }

    /** The limits of the profile a session was bound to (the default profile before it is bound), the flags on top. */
    Function<SessionInfo, ProfileLimits> profiles(Supplier<BridgeSettings> settings) {
        return session -> profile(ProfileLimits.of(session.profile().orElseGet(() -> {
            BridgeConfig config = settings.get().config();
            return config.profile(BridgeConfig.DEFAULT_PROFILE)
                    .orElseGet(() -> ProfileConfig.defaults(BridgeConfig.DEFAULT_PROFILE));
        })));
    }

    Duration shutdownGrace(BridgeConfig config) {
        return shutdownGrace.orElse(config.shutdown().grace());
    }

    Limits limits(Limits base) {
        return new Limits(
                maxRunning.orElse(base.maxRunning()),
                maxQueued.orElse(base.maxQueued()),
                maxConnections.orElse(base.maxConnections()),
                handshakeTimeout.orElse(base.handshakeTimeout()),
                idleTimeout.orElse(base.idleTimeout()),
                clientMaxConnections.orElse(base.clientMaxConnections()),
                clientMaxQueued.orElse(base.clientMaxQueued()),
                handshakeMemory.orElse(base.handshakeMemory()),
                writeDeadline.orElse(base.writeDeadline()));
    }

    ProfileLimits profile(ProfileLimits base) {
        return new ProfileLimits(
                base.profile(),
                profileMaxRunning.orElse(base.maxRunning()),
                queueTimeout.orElse(base.queueTimeout()),
                rate.orElse(base.rate()),
                maxRuntime.orElse(base.maxRuntime()));
    }

    /** {@code 60/20}: 60 a minute, bursts of 20; {@code 60}: bursts of 60; {@code 0}: no limit. */
    static final class RateConverter implements ITypeConverter<RateLimit> {
        @Override
        public RateLimit convert(String spec) {
            String[] parts = spec.split("/", 2);
            try {
                return new RateLimit(
                        Integer.parseInt(parts[0].trim()), parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 0);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(
                        "--rate takes PER_MINUTE or PER_MINUTE/BURST, e.g. 60/20; got " + spec);
            }
        }
    }

    /** {@code 64MiB}, {@code 512k}, or bytes. */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String spec) {
            try {
                long n = dev.claudebridge.daemon.config.Units.size(spec);
                if (n >= 1L << 20) {
                    return n;
                }
            } catch (IllegalArgumentException e) {
                // the message below says what is expected
            }
            throw new TypeConversionException("expected a size of at least 1MiB, e.g. 64MiB; got " + spec);
        }
    }

    /** Identity of the snapshot the limits were worked out for. */
    private record Snapshot(BridgeConfig config, Limits limits) {}
}
