package dev.claudebridge.daemon.audit;

import dev.claudebridge.daemon.config.AuditConfig;
import dev.claudebridge.daemon.session.BridgeSettings;
import dev.claudebridge.daemon.session.Refusal;
import dev.claudebridge.daemon.session.SessionInfo;
import dev.claudebridge.daemon.session.SessionListener;
import dev.claudebridge.protocol.ErrorCode;
import java.io.IOException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a "start" record before each process starts (refusing the request when it cannot, unless
 * {@code audit.fail-closed} is false) and an "end" record for every session, whatever its outcome.
 */
public final class AuditListener implements SessionListener {
    private static final Logger LOG = LoggerFactory.getLogger(AuditListener.class);
    /** The rule named when the audit log refuses a request. */
    public static final String RULE = "audit.fail-closed";

    private final AuditLog log;
    private final Supplier<BridgeSettings> settings;
    private final java.util.Optional<RunningLedger> ledger;

    /**
     * @param settings the current snapshot, for fail-closed, the argument cut length and the id lookup
     */
    public AuditListener(AuditLog log, Supplier<BridgeSettings> settings) {
        this(log, settings, java.util.Optional.empty());
    }

    /** @param ledger where running trees are noted, so that a daemon started after this one dies can end them */
    public AuditListener(AuditLog log, Supplier<BridgeSettings> settings, java.util.Optional<RunningLedger> ledger) {
        this.log = log;
        this.settings = settings;
        this.ledger = ledger;
    }

    @Override
    public void started(SessionInfo s) {
        s.tree()
                .ifPresent(t -> ledger.flatMap(l -> l.add(s.id(), t))
                        .ifPresent(e -> LOG.error(
                                "cannot note request {}'s process tree beside the audit log ({}); if the daemon dies, a restart cannot end it",
                                s.id(),
                                e.toString())));
    }

    @Override
    public void starting(SessionInfo s) {
        BridgeSettings now = settings.get();
        AuditConfig c = now.config().audit();
        try {
            log.append(AuditRecord.of("start", s, now.profiles().ids(), c.maxArgLength()));
        } catch (IOException | RuntimeException e) {
            if (c.failClosed()) {
                LOG.error(
                        "audit log {} cannot be written ({}); refusing request {} (audit.fail-closed is true)",
                        log.path(),
                        e.toString(),
                        s.id());
                throw new Refusal(
                        ErrorCode.AUDIT_UNAVAILABLE,
                        RULE,
                        "the bridge's audit log (" + log.path() + ") cannot be written: "
                                + e.getMessage()
                                + ". The bridge refuses to run requests it cannot record; the operator must free space or fix"
                                + " the log's permissions (or set audit.fail-closed: false to run unaudited).");
            }
            LOG.error(
                    "audit log {} cannot be written ({}); request {} runs unaudited because audit.fail-closed is false",
                    log.path(),
                    e.toString(),
                    s.id());
        }
    }

    @Override
    public void finished(SessionInfo s) {
        BridgeSettings now = settings.get();
        try {
            log.appendEnd(AuditRecord.of(
                    "end", s, now.profiles().ids(), now.config().audit().maxArgLength()));
        } catch (IOException | RuntimeException e) {
            LOG.error(
                    "audit log {} cannot be written ({}); the end of request {} ({}) is not recorded",
                    log.path(),
                    e.toString(),
                    s.id(),
                    s.outcome());
        }
        if (s.tree().isPresent()) {
            ledger.ifPresent(l -> l.remove(s.id()));
        }
    }
}
