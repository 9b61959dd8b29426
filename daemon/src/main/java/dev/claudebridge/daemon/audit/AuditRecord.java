package dev.claudebridge.daemon.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.policy.PeerIds;
import dev.claudebridge.daemon.session.Principal;
import dev.claudebridge.daemon.session.SessionInfo;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Builds one audit line from a session's record (the format is documented in docs/CONFIG.md). */
final class AuditRecord {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DENIALS = Set.of(
                    ErrorCode.POLICY_DENIED,
                    ErrorCode.ACCESS_DENIED,
                    ErrorCode.BAD_REQUEST,
                    ErrorCode.CWD_NOT_MAPPED,
                    ErrorCode.RATE_LIMITED,
                    ErrorCode.BUDGET_EXHAUSTED,
                    ErrorCode.QUEUE_FULL,
                    ErrorCode.QUEUE_TIMEOUT,
                    ErrorCode.SHUTTING_DOWN,
                    ErrorCode.AUDIT_UNAVAILABLE,
                    ErrorCode.PROTOCOL_MISMATCH)
            .stream()
            .map(ErrorCode::wireName)
            .collect(java.util.stream.Collectors.toSet());

    /** The writing daemon's own identity, so a later daemon can tell its open records from a dead one's. */
    private static final String SELF = dev.claudebridge.daemon.exec.TreeIdentity.of(
                    ProcessHandle.current().pid())
            .map(dev.claudebridge.daemon.exec.TreeIdentity::line)
            .orElse("");

    private AuditRecord() {}

    /**
     * @param event "start" (before the process starts) or "end" (once the session is over)
     * @param maxArgLength longer arguments are cut to this many characters and hashed; 0 never cuts
     */
    static String of(String event, SessionInfo s, PeerIds ids, int maxArgLength) {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", Instant.now().toString());
        o.put("event", event);
        o.put("id", s.id());
        o.put("profile", s.profile().map(ProfileConfig::name).orElse(""));
        o.put("listener", s.peer().listener());
        ObjectNode daemon = o.putObject("daemon");
        daemon.put("pid", ProcessHandle.current().pid());
        daemon.put("identity", SELF);
        s.tree().ifPresent(t -> {
            ObjectNode tree = o.putObject("host_process");
            tree.put("pid", t.pid());
            tree.put("start_time", t.startTime());
            tree.put("pgid", t.pgid());
        });
        ObjectNode peer = o.putObject("peer");
        Principal who = s.peer().principal();
        peer.put("kind", who.kind());
        peer.put("name", who.name());
        if (who instanceof Principal.Certificate c) {
            peer.put("fingerprint", c.fingerprint());
        }
        peer.put("user", s.peer().user());
        putId(peer, "uid", ids.uid(s.peer().user()));
        peer.put("group", s.peer().group());
        putId(peer, "gid", ids.gid(s.peer().group()));
        peer.put("container", s.peer().container());
        Optional<Request> r = s.request();
        o.put("client", r.map(Request::clientName).orElse(""));
        argv(o, r.map(Request::argv).orElse(List.of()), maxArgLength);
        o.put("cwd", r.map(Request::cwd).orElse(""));
        o.put("host_cwd", s.hostCwd().map(Object::toString).orElse(""));
        ArrayNode env = o.putArray("env");
        s.envPassed().forEach(env::add);
        o.put("tty", r.map(q -> q.terminal().isPresent()).orElse(false));
        boolean end = event.equals("end");
        o.put("decision", end ? decision(s) : "allowed");
        o.put("outcome", end ? s.outcome() : "");
        o.put("rule", s.rule());
        o.put("detail", end ? s.detail() : "");
        o.put("accepted", s.accepted().toString());
        s.admitted()
                .ifPresent(t ->
                        o.put("queue_wait_ms", Duration.between(s.accepted(), t).toMillis()));
        s.started().ifPresent(t -> o.put("started", t.toString()));
        if (end) {
            s.ended().ifPresent(t -> o.put("ended", t.toString()));
            s.ended()
                    .ifPresent(t -> o.put(
                            "duration_ms", Duration.between(s.accepted(), t).toMillis()));
            s.termination().ifPresent(t -> o.put(t.signaled() ? "signal" : "exit_code", t.value()));
            o.put("bytes_in", s.bytesIn());
            o.put("bytes_out", s.bytesOut());
            o.put("bytes_err", s.bytesErr());
            s.endedBy().ifPresent(by -> {
                ObjectNode operator = o.putObject("ended_by");
                operator.put("operator", by.name());
                operator.put("auth", by.auth());
                operator.put("from", by.from());
            });
            if (s.started().isPresent()) {
                usage(o.putObject("usage"), s.usage());
            }
        }
        return o.toString();
    }

    /** What claude reported it used; source "none" (and zeros) when it reported nothing the daemon could read. */
    private static void usage(ObjectNode o, dev.claudebridge.daemon.usage.TokenUsage u) {
        o.put("source", u.source());
        o.put("model", u.model());
        o.put("turns", u.turns());
        o.put("input_tokens", u.inputTokens());
        o.put("output_tokens", u.outputTokens());
        o.put("cache_read_tokens", u.cacheReadTokens());
        o.put("cache_creation_tokens", u.cacheCreationTokens());
        if (u.costUsd().isPresent()) {
            o.put("cost_usd", u.costUsd().getAsDouble());
        } else {
            o.putNull("cost_usd");
        }
    }

    /** allowed (it ran), denied (policy or admission refused it), abandoned (the caller left first), failed. */
    static String decision(SessionInfo s) {
        if (s.started().isPresent()) {
            return "allowed";
        }
        if (DENIALS.contains(s.outcome())) {
            return "denied";
        }
        return s.outcome().equals(ErrorCode.CONNECTION_LOST.wireName()) ? "abandoned" : "failed";
    }

    /** Arguments as given, but each longer than the limit cut, with its length and SHA-256 listed in argv_cut. */
    private static void argv(ObjectNode o, List<String> argv, int max) {
        ArrayNode out = o.putArray("argv");
        ArrayNode cut = JSON.createArrayNode();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (max > 0 && a.length() > max) {
                out.add(a.substring(0, a.offsetByCodePoints(0, Math.min(max, a.codePointCount(0, a.length())))));
                ObjectNode c = cut.addObject();
                c.put("index", i);
                c.put("length", a.getBytes(StandardCharsets.UTF_8).length);
                c.put("sha256", sha256(a));
            } else {
                out.add(a);
            }
        }
        if (!cut.isEmpty()) {
            o.set("argv_cut", cut);
        }
    }

    private static void putId(ObjectNode o, String key, OptionalLong id) {
        if (id.isPresent()) {
            o.put(key, id.getAsLong());
        } else {
            o.putNull(key);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
