package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.admin.AdminAddress;
import dev.claudebridge.daemon.admin.AdminSide;
import dev.claudebridge.daemon.admin.OperatorToken;
import dev.claudebridge.daemon.admin.ReadinessCheck;
import dev.claudebridge.daemon.admin.UsageStatus;
import dev.claudebridge.daemon.admin.WritableFileCheck;
import dev.claudebridge.daemon.admission.AdmissionControl;
import dev.claudebridge.daemon.admission.Connections;
import dev.claudebridge.daemon.admission.ProfileLimits;
import dev.claudebridge.daemon.admission.Shutdown;
import dev.claudebridge.daemon.admission.Spending;
import dev.claudebridge.daemon.audit.AuditListener;
import dev.claudebridge.daemon.audit.AuditLog;
import dev.claudebridge.daemon.audit.DaemonLost;
import dev.claudebridge.daemon.audit.RunningLedger;
import dev.claudebridge.daemon.config.AdminConfig;
import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ConfigException;
import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.exec.TreeCgroups;
import dev.claudebridge.daemon.exec.TreeIdentity;
import dev.claudebridge.daemon.session.BaseUrlPin;
import dev.claudebridge.daemon.session.Conversations;
import dev.claudebridge.daemon.session.SessionEngine;
import dev.claudebridge.daemon.transport.ListenerException;
import dev.claudebridge.daemon.usage.EarlierUsage;
import dev.claudebridge.daemon.usage.LoginLimits;
import dev.claudebridge.daemon.usage.UsageBook;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code claude-bridge serve}: listen on the agents' socket and run their requests. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Run the bridge daemon in the foreground.",
        modelTransformer = ServeCommand.Flags.class)
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(
            names = "--pid-file",
            paramLabel = "PATH",
            description =
                    "Where to write the daemon's pid (for claude-bridge reload). Default: SOCKET.pid beside the first socket.")
    Optional<Path> pidFile = Optional.empty();

    @Option(
            names = "--admin-listen",
            paramLabel = "HOST:PORT",
            description =
                    "Admin endpoint: dashboard at /, /metrics, /api/status, /healthz, /readyz. Port 0 picks a free port; off disables it. "
                            + "Default: admin.listen of the configuration, else " + AdminAddress.DEFAULT
                            + " (if that is taken, the daemon runs without it and warns).")
    String adminListen;

    @Option(
            names = "--admin-socket",
            paramLabel = "PATH",
            description =
                    "Also serve the admin endpoint on this Unix socket (mode 0600). Default: admin.socket of the configuration, else none.")
    Path adminSocket;

    /**
     * Ends the host trees a daemon that died left running and closes their audit records ({@code daemon_lost});
     * then returns this daemon's own ledger of running trees.
     */
    private static Optional<RunningLedger> recoverPreviousRun(AuditLog log, int keep) {
        RunningLedger.Recovered r = RunningLedger.recover(log.path());
        try {
            List<String> closed = DaemonLost.close(log, keep);
            if (!closed.isEmpty() || r.processesEnded() > 0) {
                LOG.warn(
                        "a previous daemon ended while requests ran: {} audit record(s) closed as {} ({}), {} leftover process(es) ended",
                        closed.size(),
                        DaemonLost.OUTCOME,
                        String.join(", ", closed),
                        r.processesEnded());
            }
        } catch (java.io.IOException e) {
            LOG.error("cannot close the audit records of a previous daemon in {} ({})", log.path(), e.toString());
        }
        return TreeIdentity.of(ProcessHandle.current().pid()).map(self -> RunningLedger.of(log.path(), self));
    }

    /** The operator token (made on first start); without one, actions are taken on the admin socket only. */
    private static Optional<OperatorToken> operatorToken(BridgeConfig config) {
        Path file = tokenFile(config);
        try {
            OperatorToken t = OperatorToken.loadOrCreate(file);
            LOG.info("operator token in {} (for claude-bridge end and drain, and the dashboard's controls)", file);
            return Optional.of(t);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("no operator token ({}); operator actions are taken on the admin socket only", e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code admin.token-file}, else {@code operator-token} beside the audit log. */
    static Path tokenFile(BridgeConfig config) {
        return config.admin()
                .tokenFile()
                .orElseGet(() -> config.audit().path().toAbsolutePath().resolveSibling(OperatorToken.FILE_NAME));
    }

    @Override
    public Integer call() {
        BridgeConfig config;
        try {
            config = configOptions.load(System.getenv());
        } catch (ConfigException e) {
            System.err.println("claude-bridge: the configuration is not valid:\n" + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("claude-bridge: " + e.getMessage());
            return 2;
        }
        Optional<AdminAddress> adminAddress;
        try {
            adminAddress = AdminAddress.parse(
                    adminListen != null ? adminListen : config.admin().listen());
        } catch (IllegalArgumentException e) {
            System.err.println("claude-bridge: " + (adminListen != null ? "--admin-listen" : "admin.listen") + ": "
                    + e.getMessage());
            return 2;
        }
        Optional<Path> adminSocketPath =
                adminSocket != null ? Optional.of(adminSocket) : config.admin().socket();
        Reloader settings = new Reloader(configOptions, System.getenv(), config);
        settings.installSignalHandler(); // before the socket exists: a SIGHUP must never end the daemon
        Duration killGrace = config.claude().killGrace();
        AuditLog auditLog;
        try {
            auditLog = AuditLog.open(
                    config.audit().path(),
                    config.audit().maxSize(),
                    config.audit().keep());
        } catch (java.io.IOException e) {
            System.err.println("claude-bridge: cannot open the audit log "
                    + config.audit().path() + ": " + e + " (set audit.path in the configuration, or --audit-log)");
            return 1;
        }
        // before the socket exists: a configuration the host cannot confine never gets a caller
        SandboxStartup sandbox = new SandboxStartup(
                System.getenv(), auditLog.path().toAbsolutePath().getParent());
        Optional<String> noSandbox = sandbox.prepare(config);
        if (noSandbox.isPresent()) {
            System.err.println("claude-bridge: " + noSandbox.get());
            auditLog.close();
            return 1;
        }
        settings.veto(sandbox::prepare);
        ListenerSet listener;
        try {
            listener = ListenerSet.bind(config.listeners());
        } catch (ListenerException | IllegalArgumentException e) {
            System.err.println("claude-bridge: " + e.getMessage());
            auditLog.close();
            sandbox.close();
            return 1;
        }
        PidFile pids = pidFile.map(PidFile::new).orElseGet(() -> PidFile.besideSocket(listener.path()));
        try {
            pids.write(
                    ProcessHandle.current().pid(),
                    configOptions.source(System.getenv()).path());
        } catch (java.io.IOException e) {
            LOG.warn(
                    "cannot write the pid file {} ({}); claude-bridge reload will not find this daemon, kill -HUP still works",
                    pids.path(),
                    e.toString());
        }
        Startup.log(settings.get(), listener.paths(), auditLog.path());
        Optional<RunningLedger> ledger =
                recoverPreviousRun(auditLog, config.audit().keep());
        Optional<String> baseUrlPin = BaseUrlPin.pinnedBy(System.getenv(), BaseUrlPin.MANAGED_DIR);
        if (baseUrlPin.isPresent()) {
            LOG.info("ANTHROPIC_BASE_URL pinned by {}", baseUrlPin.get());
        } else {
            LOG.warn(BaseUrlPin.warning(BaseUrlPin.MANAGED_DIR));
        }
        Conversations conversations;
        try {
            conversations = Conversations.open(auditLog.path().resolveSibling("conversations.jsonl"));
        } catch (java.io.UncheckedIOException e) {
            System.err.println("claude-bridge: " + e.getMessage());
            auditLog.close();
            listener.close();
            sandbox.close();
            return 1;
        }
        TreeCgroups.decide();
        Supplier<LimitsConfig> limits = AdmissionSettings.limits(settings);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("limits").factory());
        List<String> listenerNames = listener.names();
        settings.veto(listener::check); // a renewed certificate that does not read rejects the reload
        settings.onReload(listener::reload); // a TLS listener's renewed certificate, key and client CA
        UsageBook book = new UsageBook();
        int earlier = EarlierUsage.replay(
                EarlierUsage.files(auditLog.path(), config.audit().keep()), book, EarlierUsage.today());
        if (earlier > 0) {
            LOG.info("budgets: {} requests of today (UTC) counted from the audit log", earlier);
        }
        Spending spending = new Spending(book, new LoginLimits());
        AdmissionControl admission =
                new AdmissionControl(limits, AdmissionSettings.profiles(settings), timer, listenerNames, spending);
        AdminSide admin = new AdminSide(Main.version(), settings);
        admin.usage(new UsageStatus(spending.book(), spending.login(), limits));
        admin.queue(admission::waiting);
        admin.reloads(settings::last);
        admin.readiness().add(new WritableFileCheck("audit", auditLog::path));
        // a warning, not a failure: the daemon serves either way
        admin.readiness()
                .add(ReadinessCheck.of(
                        "base-url",
                        () -> ReadinessCheck.Outcome.ok(baseUrlPin
                                .map(p -> "ANTHROPIC_BASE_URL pinned by " + p)
                                .orElse("warning: " + BaseUrlPin.warning(BaseUrlPin.MANAGED_DIR)))));
        Connections connections = new Connections(limits, timer, listenerNames);
        LOG.info(
                "admission: {}; {}",
                limits.get(),
                ProfileLimits.of(config.profile(BridgeConfig.DEFAULT_PROFILE).orElseThrow()));
        SessionEngine engine = new SessionEngine(
                settings,
                "claude-bridge/" + Main.version(),
                admission,
                List.of(spending, new AuditListener(auditLog, settings, ledger), admin.listener()),
                conversations,
                sandbox::current);
        Shutdown shutdown = new Shutdown(
                listener::close, admission, engine, config.shutdown().grace(), killGrace);
        admin.control(new DaemonControl(engine, admission, shutdown), operatorToken(config));
        try {
            // an address someone asked for must be had; the default one, taken by another daemon, only costs a warning
            admin.start(
                    adminAddress,
                    adminSocketPath,
                    adminListen != null
                            || adminSocket != null
                            || !config.admin().listen().equals(AdminConfig.DEFAULT_LISTEN)
                            || config.admin().socket().isPresent());
        } catch (ListenerException e) {
            System.err.println("claude-bridge: " + e.getMessage());
            listener.close();
            sandbox.close();
            return 1;
        }
        shutdown.installSignalHandlers();
        listener.serve(c -> connections.serve(c, (in, out) -> engine.serve(in, out, c.peer(), c.check(), c.rawOut())));
        int status = shutdown.awaitStopped();
        auditLog.close();
        sandbox.close();
        pids.remove(ProcessHandle.current().pid());
        admin.close();
        return status;
    }

    /** Declares the flags that set one key each (they are made from the keys, not annotated). */
    static final class Flags implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            ((ServeCommand) spec.userObject()).configOptions.flags.addTo(spec);
            return spec;
        }
    }
}
