package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.admin.OperatorControl;
import dev.claudebridge.daemon.admission.AdmissionControl;
import dev.claudebridge.daemon.admission.Shutdown;
import dev.claudebridge.daemon.session.Operator;
import dev.claudebridge.daemon.session.SessionEngine;
import java.util.Optional;

/** The operator's control over this daemon: the engine ends requests, admission drains, shutdown stops. */
final class DaemonControl implements OperatorControl {
    private final SessionEngine engine;
    private final AdmissionControl admission;
    private final Shutdown shutdown;

    DaemonControl(SessionEngine engine, AdmissionControl admission, Shutdown shutdown) {
        this.engine = engine;
        this.admission = admission;
        this.shutdown = shutdown;
    }

    @Override
    public SessionEngine.Ending end(String id, Operator by) {
        return engine.end(id, by);
    }

    @Override
    public void drain(boolean on, Operator by) {
        admission.drain(on ? Optional.of(by.toString()) : Optional.empty());
    }

    @Override
    public String state() {
        if (shutdown.stopping()) {
            return "stopping";
        }
        return admission.drainedBy().isPresent() ? "draining" : "serving";
    }

    @Override
    public String detail() {
        if (shutdown.stopping()) {
            return "the daemon is shutting down: running requests finish within the grace period, new ones are refused";
        }
        return admission
                .drainedBy()
                .map(by -> "drained by " + by + ": running and queued requests finish, new ones are refused")
                .orElse("accepting requests");
    }
}
