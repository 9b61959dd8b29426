package dev.claudebridge.daemon.admin;

import dev.claudebridge.daemon.session.Operator;
import dev.claudebridge.daemon.session.SessionEngine;

/** What an operator may do from the admin side; the daemon's parts are put behind it by {@code serve}. */
public interface OperatorControl {
    /** Ends one running request's host process tree. */
    SessionEngine.Ending end(String id, Operator by);

    /** Drains (true: finish running and queued requests, start no new ones) or resumes (false). */
    void drain(boolean on, Operator by);

    /** {@code serving}, {@code draining} or {@code stopping}. */
    String state();

    /** A sentence on the state: who drained it, or that a shutdown has begun. */
    String detail();

    /** No control: every action is answered as unavailable; the state is always {@code serving}. */
    OperatorControl NONE = new OperatorControl() {
        @Override
        public SessionEngine.Ending end(String id, Operator by) {
            return SessionEngine.Ending.NOT_FOUND;
        }

        @Override
        public void drain(boolean on, Operator by) {
            throw new UnsupportedOperationException("this daemon cannot be drained");
        }

        @Override
        public String state() {
            return "serving";
        }

        @Override
        public String detail() {
            return "accepting requests";
        }
    };
}
