package dev.claudebridge.daemon.admin;

import dev.claudebridge.daemon.exec.Termination;
import dev.claudebridge.daemon.session.SessionInfo;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One request as the status API shows it, live or finished: a copy, so the finished ring keeps no
 * session objects alive.
 *
 * @param state "connecting", "queued", "starting", "running", or "finished"
 * @param argv the arguments, summarised (quoted, long ones cut)
 * @param cwd the caller's working directory, as the caller sees it
 * @param hostCwd where it runs on the host ("" until decided)
 * @param accepted when the connection arrived (ISO-8601)
 * @param started when the process started ("" if it never did)
 * @param ended when it ended ("" while live)
 * @param millis time since the connection arrived (live) or its whole duration (finished)
 * @param outcome "exit", "signal", an error code's wire name, or "" while live
 * @param exit readable ending: "exit 0", "signal 15", "refused: policy_denied"; "" while live
 * @param status the status the caller's {@code claude} exits with (128+N for signal N); -1 while live
 * @param detail why it was refused or failed ("" otherwise)
 * @param ok whether it ended with exit status 0
 */
public record RequestView(
        String id,
        String profile,
        String peer,
        String client,
        String state,
        String argv,
        String cwd,
        String hostCwd,
        String accepted,
        String started,
        String ended,
        long millis,
        long bytesIn,
        long bytesOut,
        long bytesErr,
        String outcome,
        String exit,
        int status,
        String detail,
        boolean ok) {

    static RequestView of(SessionInfo s, String profile, Instant now) {
        Optional<Request> r = s.request();
        boolean over = s.ended().isPresent();
        Instant end = s.ended().orElse(now);
        String outcome = over ? s.outcome() : "";
        int status = over ? callerStatus(s) : -1;
        return new RequestView(
                s.id(),
                profile,
                s.peer().toString(),
                r.map(Request::clientName).orElse(""),
                state(s),
                r.map(q -> ArgvSummary.of(q.argv())).orElse(""),
                r.map(Request::cwd).orElse(""),
                s.hostCwd().map(Object::toString).orElse(""),
                s.accepted().toString(),
                s.started().map(Instant::toString).orElse(""),
                s.ended().map(Instant::toString).orElse(""),
                Math.max(0, Duration.between(s.accepted(), end).toMillis()),
                s.bytesIn(),
                s.bytesOut(),
                s.bytesErr(),
                outcome,
                over ? exitText(s) : "",
                status,
                s.detail(),
                over && outcome.equals("exit") && status == 0);
    }

    static String state(SessionInfo s) {
        if (s.ended().isPresent()) {
            return "finished";
        }
        if (s.started().isPresent()) {
            return "running";
        }
        if (s.admitted().isPresent()) {
            return "starting";
        }
        return s.request().isPresent() ? "queued" : "connecting";
    }

    /** What the caller's shell sees: the exit code, 128+N for signal N, or the error code's status. */
    static int callerStatus(SessionInfo s) {
        Optional<Termination> t = s.termination();
        if (s.outcome().equals("exit") || s.outcome().equals("signal")) {
            return t.map(x -> x.signaled() ? 128 + x.value() : x.value()).orElse(-1);
        }
        return ErrorCode.ofWireName(s.outcome()).exitStatus();
    }

    private static String exitText(SessionInfo s) {
        return switch (s.outcome()) {
            case "exit", "signal" -> s.termination().map(Termination::toString).orElse(s.outcome());
            case "connection_lost" ->
                "caller gone" + s.termination().map(t -> " (" + t + ")").orElse("");
            case "internal" -> "internal error";
            default -> "refused: " + s.outcome();
        };
    }
}
