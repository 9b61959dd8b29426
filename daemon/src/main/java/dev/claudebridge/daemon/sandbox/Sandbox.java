package dev.claudebridge.daemon.sandbox;

import dev.claudebridge.daemon.exec.ProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host-side sandbox: each sandboxed claude runs under bubblewrap with the view of the host that
 * {@link Bubblewrap} builds, its API calls going through the daemon's {@link CredentialProxy} with a
 * placeholder credential of its own, so the real one never enters the sandbox. Either available for
 * the daemon's life, or unavailable with the reason, which a sandboxed profile's start-up check and
 * every sandboxed request report (never a silent run without it).
 */
public final class Sandbox implements AutoCloseable {
    /** Where the credential proxy's socket is inside. */
    static final String API_SOCKET = "/run/claude-bridge/api.sock";
    /** Where the session helper is inside. */
    static final String SESSION_HELPER = "/run/claude-bridge/session";
    /** Where the run's socket of the network proxy is inside, when its profile allows any network. */
    static final String NETWORK_SOCKET = "/run/claude-bridge/net.sock";
    /**
     * The loopback port inside the sandbox that the session helper relays to {@link #NETWORK_SOCKET}, and
     * that the tools' proxy variables name (Squid's customary port; the sandbox's loopback is its own).
     */
    static final int PROXY_PORT = 3128;
    /** Where tools inside reach the network proxy. */
    static final String PROXY_URL = "http://127.0.0.1:" + PROXY_PORT;
    /** What tools inside reach directly: their own loopback, which is the sandbox's. */
    static final String NO_PROXY = "localhost,127.0.0.1";
    /** The API's address inside: plain HTTP over {@link #API_SOCKET} (claude sends its calls to the socket). */
    static final String API_URL = CredentialProxy.BASE_URL;

    /** HOME inside when the daemon has none. */
    static final String DEFAULT_HOME = "/home/claude";

    /** Variables of the daemon's own environment a sandboxed claude keeps (locale and terminal); nothing else. */
    static final List<String> KEPT =
            List.of("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR");

    private final Optional<String> problem;
    private final Path bwrap;
    private final Path session;
    private final Path homes;
    private final CredentialProxy proxy;
    private final Path proxySocket;
    private NetworkProxy network; // started on the first run that needs it
    private final Optional<Path> managedView;

    private Sandbox(
            Optional<String> problem,
            Path bwrap,
            Path session,
            Path homes,
            CredentialProxy proxy,
            Path proxySocket,
            Optional<Path> managedView) {
        this.problem = problem;
        this.managedView = managedView;
        this.bwrap = bwrap;
        this.session = session;
        this.homes = homes;
        this.proxy = proxy;
        this.proxySocket = proxySocket;
    }

    /** A sandbox that cannot be had, and why (said to every request of a sandboxed profile). */
    public static Sandbox unavailable(String why) {
        return new Sandbox(Optional.of(why), null, null, null, null, null, Optional.empty());
    }

    /**
     * A working sandbox.
     *
     * @param homes where each caller's claude configuration directory is kept (created 0700)
     * @param proxy the running credential proxy, owned (and stopped) by the sandbox from here on
     * @param proxySocket the socket it listens on (its directory, private to the daemon, also holds the
     *     sandbox's copy of the managed settings when they pin the API's address)
     * @param managedDir where the host's managed settings are ({@code /etc/claude-code})
     */
    public static Sandbox of(
            Path bwrap, Path session, Path homes, CredentialProxy proxy, Path proxySocket, Path managedDir) {
        try {
            Files.createDirectories(homes);
            Files.setPosixFilePermissions(homes, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Optional<Path> managed = ManagedSettings.view(managedDir, proxySocket.resolveSibling("managed-settings"));
        return new Sandbox(Optional.empty(), bwrap, session, homes, proxy, proxySocket, managed);
    }

    /** Why there is no sandbox; empty when there is one. */
    public Optional<String> problem() {
        return problem;
    }

    /**
     * The request's process confined: the same program, arguments, working directory and standard
     * descriptors, run under bubblewrap with the sandbox's environment.
     *
     * @param spec the process as it would run unsandboxed; its env is the environment claude would get
     * @param prefix the leading part of its command that runs claude (the executable, or an interpreter
     *     and the script it runs): what of it lies outside the system is shown read-only
     * @param passed the names of variables the caller passed (they are kept, the daemon's own are not)
     * @param owner who the run belongs to (profile and caller): its claude configuration directory is theirs
     * @param requestId names the run's credential grant in the proxy's log
     * @param readOnly the profile's further read-only paths
     * @param network the profile's network allow-list ({@code HOST:PORT} entries as the configuration
     *     canonicalised them); empty: no network but the API
     * @param writable the request's workspace roots
     * @param hidden the daemon's own files the sandbox must not see
     * @throws IllegalStateException when the sandbox is unavailable
     */
    public Confined confine(
            ProcessSpec spec,
            List<String> prefix,
            List<String> passed,
            String owner,
            String requestId,
            List<Path> readOnly,
            List<String> network,
            List<Path> writable,
            List<Path> hidden) {
        if (problem.isPresent()) {
            throw new IllegalStateException(problem.get());
        }
        Path home = Path.of(spec.env().getOrDefault("HOME", DEFAULT_HOME));
        for (Path shown : concat(readOnly, writable)) {
            if (home.startsWith(shown)) {
                // it would cover the private HOME with the host's: its login, ~/.ssh and the rest
                throw new Refused(shown + " contains the daemon's home directory " + home
                        + ", which no sandbox may see (it holds the host's login); map or show a directory beneath it");
            }
        }
        Grant grant = proxy.grant(requestId);
        Optional<NetworkGrant> net = Optional.empty();
        try {
            net = network.isEmpty() ? Optional.empty() : Optional.of(network().grant(requestId, network));
            Map<String, String> env = environment(spec.env(), passed, home, grant, net.isPresent());
            List<Path> programs = programs(prefix);
            List<String> command = new java.util.ArrayList<>(spec.command());
            command.set(0, programs.getFirst().toString());
            Path config = configDir(owner);
            Layout layout = new Layout(
                    home,
                    config,
                    programs,
                    readOnly,
                    writable,
                    hidden,
                    proxySocket,
                    spec.cwd(),
                    net.map(NetworkGrant::socket),
                    managedView);
            return new Confined(
                    spec.asInnerSession(Bubblewrap.command(bwrap, session, layout, command), env), grant, net, config);
        } catch (IOException | RuntimeException e) {
            grant.close();
            net.ifPresent(NetworkGrant::close);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The network proxy, started on first use in the API proxy's private directory. */
    private synchronized NetworkProxy network() {
        if (network == null) {
            network = new NetworkProxy(proxySocket.getParent());
        }
        return network;
    }

    /**
     * What of the host the command that runs claude needs: its executable (by its real path), and each
     * script it names. A script in an npm package needs the packages beside it (its modules, the tools
     * it vendors), so the {@code node_modules} directory that holds it is shown; any other script alone.
     */
    static List<Path> programs(List<String> prefix) throws IOException {
        List<Path> out = new java.util.ArrayList<>();
        out.add(Path.of(prefix.getFirst()).toRealPath());
        for (String arg : prefix.subList(1, prefix.size())) {
            Path p = Path.of(arg);
            if (p.isAbsolute() && Files.isRegularFile(p)) {
                Path script = p.toRealPath();
                Path shown = script;
                for (Path d = script.getParent(); d != null; d = d.getParent()) {
                    if (d.getFileName() != null && d.getFileName().toString().equals("node_modules")) {
                        shown = d;
                        break;
                    }
                }
                out.add(shown);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The environment as the daemon's settings for the run must see it: claude's configuration directory
     * and API address as they are inside (its HOME is the same path, a private one there).
     */
    public static Map<String, String> settingsView(Map<String, String> planned) {
        Map<String, String> env = new LinkedHashMap<>(planned);
        String home = planned.getOrDefault("HOME", DEFAULT_HOME);
        env.put("HOME", home);
        env.put("CLAUDE_CONFIG_DIR", Path.of(home).resolve(".claude").toString());
        env.put("ANTHROPIC_BASE_URL", API_URL);
        return env;
    }

    /**
     * Default-deny: locale and terminal from the daemon, what the caller passed, and the sandbox's own;
     * every credential the daemon's environment holds stays out.
     */
    static Map<String, String> environment(
            Map<String, String> planned, List<String> passed, Path home, Grant grant, boolean network) {
        Map<String, String> env = new LinkedHashMap<>();
        planned.forEach((k, v) -> {
            if (KEPT.contains(k) || k.startsWith("LC_") || passed.contains(k)) {
                env.put(k, v);
            }
        });
        for (Credential.Kind k : Credential.Kind.values()) {
            env.remove(k.variable()); // a caller may pass none of them, and the daemon's never get here
        }
        env.put("HOME", home.toString());
        env.put("CLAUDE_CONFIG_DIR", home.resolve(".claude").toString());
        env.put("TMPDIR", "/tmp");
        env.putAll(grant.environment(Path.of(API_SOCKET)));
        if (grant.kind() == Credential.Kind.API_KEY) {
            // the same placeholder as a bearer token: claude asks on a terminal before using an unknown
            // ANTHROPIC_API_KEY, never for ANTHROPIC_AUTH_TOKEN; the proxy sends the key as x-api-key either way
            env.remove(Credential.Kind.API_KEY.variable());
            env.put(Credential.Kind.BEARER.variable(), grant.placeholder());
        }
        if (network) {
            // both spellings: curl reads only the lower-case http_proxy, other tools only the upper-case
            for (String v : List.of("HTTPS_PROXY", "HTTP_PROXY")) {
                env.put(v, PROXY_URL);
                env.put(v.toLowerCase(java.util.Locale.ROOT), PROXY_URL);
            }
            env.put("NO_PROXY", NO_PROXY);
            env.put("no_proxy", NO_PROXY);
        }
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("IS_SANDBOX", "1"); // true here: claude may then allow bypass permissions when its uid is 0
        return env;
    }

    /** The caller's claude configuration directory, created on first use with onboarding marked done. */
    private Path configDir(String owner) throws IOException {
        Path dir = homes.resolve(digest(owner));
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(dir.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}\n");
        }
        return dir;
    }

    private static String digest(String owner) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(owner.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (network != null) {
                network.close();
            }
        }
        if (proxy != null) {
            proxy.close();
            try {
                if (managedView.isPresent()) {
                    try (var files = Files.walk(managedView.get())) {
                        for (Path f : files.sorted(java.util.Comparator.reverseOrder())
                                .toList()) {
                            Files.deleteIfExists(f);
                        }
                    }
                }
                Files.deleteIfExists(proxySocket.getParent()); // the private directory made for it
            } catch (IOException e) {
                // not empty or already gone: harmless
            }
        }
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A run the sandbox will not confine as asked; the message says why and what to change. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * A confined process, its credential grant and its network socket, which end with the run; and the
     * host directory its claude keeps its configuration and transcripts in (its {@code ~/.claude} inside).
     */
    public record Confined(ProcessSpec spec, Grant grant, Optional<NetworkGrant> network, Path configDir)
            implements AutoCloseable {
        @Override
        public void close() {
            grant.close();
            network.ifPresent(NetworkGrant::close);
        }
    }
}
