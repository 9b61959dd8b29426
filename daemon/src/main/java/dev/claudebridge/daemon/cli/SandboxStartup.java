package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.sandbox.Credential;
import dev.claudebridge.daemon.sandbox.CredentialException;
import dev.claudebridge.daemon.sandbox.CredentialProxy;
import dev.claudebridge.daemon.sandbox.CredentialSource;
import dev.claudebridge.daemon.sandbox.Sandbox;
import dev.claudebridge.daemon.sandbox.SandboxProbe;
import dev.claudebridge.daemon.session.BaseUrlPin;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up the sandbox when a configuration first needs it (at start, or at the reload that adds the
 * first sandboxed profile): tries it for the daemon's user, and when it works starts the credential
 * proxy that sandboxed runs reach the API through. A configuration whose profiles need a sandbox the
 * host cannot give is refused. A daemon without sandboxed profiles spends nothing on it.
 */
final class SandboxStartup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxStartup.class);
    /** Where the API is when nothing pins another address. */
    static final String DEFAULT_API = "https://api.anthropic.com";

    private final Map<String, String> env;
    private final Path state;
    private volatile Sandbox current = Sandbox.unavailable("no profile has needed one since the daemon started");
    private boolean opened;

    /** @param state the daemon's state directory (beside the audit log): each caller's claude configuration is kept there */
    SandboxStartup(Map<String, String> env, Path state) {
        this.env = Map.copyOf(env);
        this.state = state;
    }

    /** The sandbox sessions run in (an unavailable one, with the reason, until a configuration needs one). */
    Sandbox current() {
        return current;
    }

    /**
     * Makes the sandbox ready for {@code config}: tried once, the first time a sandboxed profile appears.
     *
     * @return why this configuration cannot run; empty when it can
     */
    synchronized Optional<String> prepare(BridgeConfig config) {
        if (!sandboxed(config).isEmpty() && !opened) {
            opened = true;
            current = open(config);
        }
        return refusal(config, current);
    }

    @Override
    public synchronized void close() {
        current.close();
    }

    private Sandbox open(BridgeConfig config) {
        SandboxProbe.Result probe = SandboxProbe.check();
        if (probe.problem().isPresent()) {
            LOG.error("no sandbox on this host: {}", probe.problem().get());
            return Sandbox.unavailable(probe.problem().get());
        }
        String upstream = BaseUrlPin.url(env, BaseUrlPin.MANAGED_DIR).orElse(DEFAULT_API);
        CredentialSource credentials = CredentialSource.standard(
                config.claude().credentialFile(),
                Credential.Kind.API_KEY,
                env,
                Path.of(env.getOrDefault("HOME", System.getProperty("user.home"))));
        if (!sandboxed(config).isEmpty()) {
            try {
                credentials.current();
            } catch (CredentialException e) {
                // not fatal: the host may log in later, and the next request then finds it
                LOG.warn("sandboxed requests are refused until the API proxy has a credential: {}", e.getMessage());
            }
        }
        CredentialProxy proxy = new CredentialProxy(URI.create(upstream), credentials);
        Path socket;
        try {
            // the socket's directory is the daemon user's alone: only the sandboxes it is mounted into reach it
            socket = Files.createTempDirectory(
                            "claude-bridge-api-",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    .resolve("api.sock");
        } catch (IOException e) {
            return Sandbox.unavailable("cannot make a private directory for the API proxy: " + e.getMessage());
        }
        proxy.start(socket);
        SandboxProbe.Parts parts = probe.parts().orElseThrow();
        LOG.info("sandbox: {}; sandboxed claude reaches {} only through the API proxy", parts.bwrap(), upstream);
        return Sandbox.of(
                parts.bwrap(), parts.session(), state.resolve("sandbox-homes"), proxy, socket, BaseUrlPin.MANAGED_DIR);
    }

    /** Why this configuration cannot run with this sandbox; empty when it can. */
    static Optional<String> refusal(BridgeConfig config, Sandbox sandbox) {
        List<String> need = sandboxed(config);
        if (need.isEmpty() || sandbox.problem().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("profile(s) " + need + " run claude in the host-side sandbox, which this host cannot give: "
                + sandbox.problem().get() + " (the daemon tries once; when the host is fixed, restart it)");
    }

    private static List<String> sandboxed(BridgeConfig config) {
        return config.profiles().values().stream()
                .filter(p -> p.sandbox().enabled())
                .map(ProfileConfig::name)
                .toList();
    }
}
