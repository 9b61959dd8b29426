package dev.claudebridge.daemon.sandbox;

import dev.claudebridge.daemon.sandbox.Credential.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the daemon's real API credential comes from. The proxy asks for it on every upstream request,
 * so a rotated token is used from the next request on; a file-backed source costs one {@code stat}
 * while the file is unchanged.
 */
public interface CredentialSource {
    /**
     * The credential to send now.
     *
     * @throws CredentialException when there is none, with where it looked and what to do
     */
    Credential current();

    /** Where the credential comes from, for logs and errors: a file or a variable's name, never the value. */
    String origin();

    /**
     * A file holding one token (a {@code claude setup-token} token or an API key), surrounding white space
     * ignored; its kind is read from the prefix (see {@link Credential#ofToken}), else {@code unprefixed}.
     * Re-read whenever the file changes (size, modification time or inode: an atomic rename counts).
     */
    static CredentialSource file(Path file, Kind unprefixed) {
        return new CredentialFile(file, "file " + file, text -> Credential.ofToken(text.strip(), unprefixed));
    }

    /**
     * The daemon's own environment: {@code ANTHROPIC_API_KEY}, else {@code CLAUDE_CODE_OAUTH_TOKEN}, else
     * {@code ANTHROPIC_AUTH_TOKEN} (a bearer token); empty values count as unset. Empty when none is set.
     */
    static Optional<CredentialSource> environment(Map<String, String> env) {
        for (Kind kind : List.of(Kind.API_KEY, Kind.OAUTH, Kind.BEARER)) {
            String value = env.get(kind.variable());
            if (value != null && !value.isBlank()) {
                Credential credential = new Credential(kind, value.strip());
                String origin = "environment variable " + kind.variable();
                return Optional.of(new CredentialSource() {
                    @Override
                    public Credential current() {
                        return credential;
                    }

                    @Override
                    public String origin() {
                        return origin;
                    }
                });
            }
        }
        return Optional.empty();
    }

    /**
     * The host user's own login, {@code HOME/.claude/.credentials.json} ({@code claudeAiOauth.accessToken}).
     * The daemon only reads it: refreshing an expiring token is the host claude's job (it rewrites the
     * file when it runs), so a long-lived {@code claude setup-token} token in a {@link #file} is the
     * steadier choice for a daemon.
     */
    static CredentialSource hostLogin(Path home) {
        Path file = home.resolve(".claude").resolve(".credentials.json");
        return new CredentialFile(file, "host login " + file, HostLogin::accessToken);
    }

    /**
     * The daemon's choice, made once: the configured file when there is one, else the environment when it
     * has a credential, else the host login. A configured file that is missing later is an error, not a
     * reason to fall back to another source.
     */
    static CredentialSource standard(Optional<Path> file, Kind unprefixed, Map<String, String> env, Path home) {
        if (file.isPresent()) {
            return file(file.get(), unprefixed);
        }
        return environment(env).orElseGet(() -> hostLogin(home));
    }
}
