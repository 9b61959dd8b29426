package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.admin.StatusReport;
import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ConfigException;
import dev.claudebridge.daemon.session.BridgeSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The current settings snapshot, swapped whole on SIGHUP: the file is read again with the same flags
 * on top; a file with problems is rejected and the old snapshot stays. Sessions read the snapshot once
 * when they start, so running ones keep theirs. Listeners, the audit file and the admin endpoints are
 * bound at start and not reloaded; a change to them is logged as needing a restart.
 */
final class Reloader implements Supplier<BridgeSettings> {
    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    private final ConfigOptions options;
    private final Map<String, String> env;
    private final AtomicReference<BridgeSettings> current;
    private final List<Consumer<BridgeSettings>> hooks = new CopyOnWriteArrayList<>();
    private final List<Function<BridgeConfig, Optional<String>>> vetoes = new CopyOnWriteArrayList<>();
    private final AtomicLong attempts = new AtomicLong();
    private volatile StatusReport.Reload last =
            new StatusReport.Reload(ProcessHandle.current().pid(), 0, "", true, "");

    Reloader(ConfigOptions options, Map<String, String> env, BridgeConfig initial) {
        this.options = options;
        this.env = Map.copyOf(env);
        this.current = new AtomicReference<>(BridgeSettings.of(initial, env));
    }

    @Override
    public BridgeSettings get() {
        return current.get();
    }

    /** Also told of each accepted reload (admission limits, the status page). */
    void onReload(Consumer<BridgeSettings> hook) {
        hooks.add(hook);
    }

    /**
     * Adds a check of whether a configuration that reads well can be put in force (the sandbox it needs,
     * a TLS listener's new files); its answer is why not. Every check must pass.
     */
    void veto(Function<BridgeConfig, Optional<String>> check) {
        vetoes.add(check);
    }

    /** The last reload's outcome, for the status report (and so for {@code claude-bridge reload}). */
    StatusReport.Reload last() {
        return last;
    }

    /** Reloads on every SIGHUP (which otherwise would end the JVM). */
    void installSignalHandler() {
        Signal.handle(new Signal("HUP"), s -> Thread.ofPlatform().name("reload").start(this::reload));
    }

    /** Reads the configuration again; true when the new snapshot is in place. */
    synchronized boolean reload() {
        String file = options.source(env).path().toString();
        BridgeConfig next;
        try {
            next = options.load(env);
        } catch (ConfigException e) {
            LOG.error("configuration reload REJECTED, the previous configuration stays in force; problems:");
            for (String problem : e.getMessage().split("\n")) {
                LOG.error("  {}", problem); // one line each: log arguments are escaped
            }
            return rejected(e.getMessage());
        } catch (IllegalArgumentException e) {
            LOG.error("configuration reload REJECTED, the previous configuration stays in force: {}", e.getMessage());
            return rejected(e.getMessage());
        }
        for (Function<BridgeConfig, Optional<String>> veto : vetoes) {
            Optional<String> vetoed = veto.apply(next);
            if (vetoed.isPresent()) {
                LOG.error("configuration reload REJECTED, the previous configuration stays in force: {}", vetoed.get());
                return rejected(vetoed.get());
            }
        }
        BridgeConfig before = current.get().config();
        List<String> restart = notReloaded(before, next);
        for (String change : restart) {
            LOG.warn("configuration reload: {} changed, which takes effect only after a restart", change);
        }
        BridgeSettings settings = BridgeSettings.of(next, env);
        current.set(settings);
        hooks.forEach(h -> h.accept(settings));
        LOG.info(
                "configuration reloaded from {}: profiles {}; new requests use it, running ones keep theirs",
                file,
                next.profiles().keySet());
        record(
                true,
                "profiles " + next.profiles().keySet()
                        + (restart.isEmpty() ? "" : "; needs a restart to take effect: " + String.join(", ", restart)));
        return true;
    }

    private boolean rejected(String why) {
        record(false, why);
        return false;
    }

    private void record(boolean accepted, String detail) {
        last = new StatusReport.Reload(
                last.pid(), attempts.incrementAndGet(), Instant.now().toString(), accepted, detail);
    }

    /** The parts bound at start. */
    static List<String> notReloaded(BridgeConfig a, BridgeConfig b) {
        List<String> out = new ArrayList<>();
        if (!a.listeners().stream()
                .map(l -> List.of(
                        l.socket(), l.mode(), l.owner(), l.group(), l.tls().listen()))
                .toList()
                .equals(b.listeners().stream()
                        .map(l -> List.of(
                                l.socket(),
                                l.mode(),
                                l.owner(),
                                l.group(),
                                l.tls().listen()))
                        .toList())) {
            out.add("listeners (socket, mode, owner, group, tls.listen)");
        }
        if (!Objects.equals(a.audit().path(), b.audit().path())
                || a.audit().maxSize() != b.audit().maxSize()
                || a.audit().keep() != b.audit().keep()) {
            out.add("audit.path, audit.max-size or audit.keep");
        }
        if (!a.admin().equals(b.admin())) {
            out.add("admin");
        }
        return out;
    }
}
