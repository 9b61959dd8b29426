package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.exec.Termination;
import dev.claudebridge.protocol.Request;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live record of one request, filled in as it goes: what listeners (audit, metrics, the status
 * page) see. Written by the session's threads, read by anyone; each field is published on its own.
 */
public final class SessionInfo {
    private final String id;
    private volatile Peer peer;
    private final Instant accepted = Instant.now();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong bytesErr = new AtomicLong();
    private volatile Request request;
    private volatile Path hostCwd;
    private volatile dev.claudebridge.daemon.exec.TreeIdentity tree;
    private volatile List<String> envPassed = List.of();
    private volatile Instant admitted;
    private volatile Instant started;
    private volatile Instant ended;
    private volatile String outcome = "";
    private volatile String detail = "";
    private volatile Termination termination;
    private volatile ProfileConfig profile;
    private volatile String rule = "";
    private volatile Operator endedBy;
    private volatile dev.claudebridge.daemon.usage.TokenUsage usage = dev.claudebridge.daemon.usage.TokenUsage.NONE;
    private volatile java.util.function.Supplier<Optional<dev.claudebridge.daemon.usage.TokenUsage>> usageSoFar =
            Optional::empty;

    SessionInfo(String id, Peer peer) {
        this.id = id;
        this.peer = peer;
    }

    public String id() {
        return id;
    }

    /** The peer: as accepted, then as it proved itself in the handshake. */
    public Peer peer() {
        return peer;
    }

    void peer(Peer proved) {
        this.peer = proved;
    }

    public Instant accepted() {
        return accepted;
    }

    /** The request, once it has been read and decoded. */
    public Optional<Request> request() {
        return Optional.ofNullable(request);
    }

    /** The host directory the process runs in, once decided. */
    /** The host process tree once it has started. */
    public Optional<dev.claudebridge.daemon.exec.TreeIdentity> tree() {
        return Optional.ofNullable(tree);
    }

    void tree(dev.claudebridge.daemon.exec.TreeIdentity t) {
        this.tree = t;
    }

    public Optional<Path> hostCwd() {
        return Optional.ofNullable(hostCwd);
    }

    /** Names (never values) of the caller's variables that crossed. */
    public List<String> envPassed() {
        return envPassed;
    }

    public Optional<Instant> admitted() {
        return Optional.ofNullable(admitted);
    }

    public Optional<Instant> started() {
        return Optional.ofNullable(started);
    }

    public Optional<Instant> ended() {
        return Optional.ofNullable(ended);
    }

    /** How it ended: "exit", "signal", or an error code's wire name; "" while running. */
    public String outcome() {
        return outcome;
    }

    /** The human-readable reason for a refusal or failure; "" otherwise. */
    public String detail() {
        return detail;
    }

    /** The profile the caller was bound to (by socket or peer credentials), once known. */
    public Optional<ProfileConfig> profile() {
        return Optional.ofNullable(profile);
    }

    /** The policy rule that refused the request (e.g. {@code --dangerously-skip-permissions}, {@code max-args}); "" otherwise. */
    public String rule() {
        return rule;
    }

    /** The operator who ended the request, when one did. */
    public Optional<Operator> endedBy() {
        return Optional.ofNullable(endedBy);
    }

    void endedBy(Operator o) {
        this.endedBy = o;
    }

    public Optional<Termination> termination() {
        return Optional.ofNullable(termination);
    }

    /** What claude reported it used, once the request is over ({@link dev.claudebridge.daemon.usage.TokenUsage#NONE} before, or when it said nothing). */
    public dev.claudebridge.daemon.usage.TokenUsage usage() {
        return usage;
    }

    /** What claude has reported so far while it runs (its result messages in JSON output); empty when nothing yet. */
    public Optional<dev.claudebridge.daemon.usage.TokenUsage> usageSoFar() {
        return usageSoFar.get();
    }

    void usage(dev.claudebridge.daemon.usage.TokenUsage u) {
        this.usage = u;
    }

    void usageSoFar(java.util.function.Supplier<Optional<dev.claudebridge.daemon.usage.TokenUsage>> live) {
        this.usageSoFar = live;
    }

    /** Bytes of stdin received from the caller. */
    public long bytesIn() {
        return bytesIn.get();
    }

    /** Bytes of stdout sent to the caller. */
    public long bytesOut() {
        return bytesOut.get();
    }

    /** Bytes of stderr sent to the caller. */
    public long bytesErr() {
        return bytesErr.get();
    }

    void profile(ProfileConfig p) {
        this.profile = p;
    }

    void rule(String r) {
        this.rule = r;
    }

    void request(Request r) {
        this.request = r;
    }

    void hostCwd(Path p) {
        this.hostCwd = p;
    }

    void envPassed(List<String> names) {
        this.envPassed = List.copyOf(names);
    }

    void markAdmitted() {
        this.admitted = Instant.now();
    }

    void markStarted() {
        this.started = Instant.now();
    }

    void end(String outcome, String detail, Termination t) {
        this.outcome = outcome;
        this.detail = detail;
        this.termination = t;
        this.ended = Instant.now();
    }

    AtomicLong inCounter() {
        return bytesIn;
    }

    AtomicLong outCounter() {
        return bytesOut;
    }

    AtomicLong errCounter() {
        return bytesErr;
    }
}
