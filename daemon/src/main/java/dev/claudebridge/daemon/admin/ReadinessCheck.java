package dev.claudebridge.daemon.admin;

import java.util.function.Supplier;

/**
 * One condition the daemon needs to serve requests (listening, claude answering, audit log writable).
 * Other packages add their own to {@link Readiness}. A check must be quick and must not block for
 * long: {@code /readyz} and the status page call it on every request.
 */
public interface ReadinessCheck {
    /** Short name shown in {@code /readyz} and the status page, e.g. "claude". */
    String name();

    Outcome check();

    static ReadinessCheck of(String name, Supplier<Outcome> check) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Outcome check() {
                return check.get();
            }
        };
    }

    /** Whether the condition holds, and a line saying what was seen. */
    record Outcome(boolean ok, String detail) {
        public static Outcome ok(String detail) {
            return new Outcome(true, detail);
        }

        public static Outcome failed(String detail) {
            return new Outcome(false, detail);
        }
    }
}
