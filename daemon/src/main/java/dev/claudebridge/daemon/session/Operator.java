package dev.claudebridge.daemon.session;

/**
 * Who ended a request or drained the daemon, as the audit records it.
 *
 * @param name the name the operator gave (the CLI sends its user's name; the dashboard what was typed)
 * @param auth how the operator proved the right to act: {@code operator-token} or {@code admin-socket}
 * @param from where the action came from (the admin connection's remote address)
 */
public record Operator(String name, String auth, String from) {
    /** The longest name kept; the rest is cut. */
    public static final int MAX_NAME = 64;

    public Operator {
        name = clean(name);
    }

    /** Printable characters only (a name ends up in logs and on callers' terminals), at most {@link #MAX_NAME}. */
    static String clean(String name) {
        String n = name == null ? "" : name.strip().replaceAll("[\\p{Cntrl}\\p{Zl}\\p{Zp}]", "");
        if (n.length() > MAX_NAME) {
            n = n.substring(0, MAX_NAME);
        }
        return n.isEmpty() ? "operator" : n;
    }

    @Override
    public String toString() {
        return name + " (" + auth + ", from " + from + ")";
    }
}
