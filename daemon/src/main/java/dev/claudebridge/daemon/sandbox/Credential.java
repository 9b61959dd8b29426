package dev.claudebridge.daemon.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A real API credential and how it is sent. {@link #toString()} shows the kind and a fingerprint,
 * never the secret, so a credential can appear in a log message by accident without harm.
 */
public record Credential(Kind kind, String secret) {
    /** How a credential travels to the API, and which variable makes a claude send one of its kind. */
    public enum Kind {
        /** An API key, sent as {@code x-api-key}. */
        API_KEY("ANTHROPIC_API_KEY"),
        /**
         * A subscription token ({@code claude setup-token}, or the host login's access token), sent as
         * {@code Authorization: Bearer} with the {@code oauth-2025-04-20} beta.
         */
        OAUTH("CLAUDE_CODE_OAUTH_TOKEN"),
        /** Any other bearer token ({@code ANTHROPIC_AUTH_TOKEN}, e.g. a gateway's), sent as {@code Authorization: Bearer}. */
        BEARER("ANTHROPIC_AUTH_TOKEN");

        private final String variable;

        Kind(String variable) {
            this.variable = variable;
        }

        /** The environment variable through which claude takes a credential of this kind. */
        public String variable() {
            return variable;
        }
    }

    /** Subscription tokens from {@code claude setup-token} and the login flow start so. */
    static final String OAUTH_PREFIX = "sk-ant-oat";

    static final String API_KEY_PREFIX = "sk-ant-api";

    /**
     * @throws CredentialException when the secret is empty or holds anything but visible ASCII (it goes
     *     into a header verbatim)
     */
    public Credential {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new CredentialException("the credential is empty");
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new CredentialException(
                        "the credential holds a character that cannot go into a header (at offset " + i + ")");
            }
        }
    }

    /**
     * A token whose kind is read from its prefix: {@code sk-ant-oat} is a subscription token,
     * {@code sk-ant-api} an API key, anything else {@code unprefixed}.
     */
    public static Credential ofToken(String token, Kind unprefixed) {
        Kind kind = token.startsWith(OAUTH_PREFIX)
                ? Kind.OAUTH
                : token.startsWith(API_KEY_PREFIX) ? Kind.API_KEY : unprefixed;
        return new Credential(kind, token);
    }

    /** A short, one-way mark of the secret for logs: the same secret always gives the same mark. */
    public String fingerprint() {
        return fingerprint(secret);
    }

    /** The first 32 bits of the value's SHA-256, in hex: enough to tell values apart, useless for guessing one. */
    static String fingerprint(String value) {
        return "fp:" + HexFormat.of().formatHex(sha256(value), 0, 4);
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "Credential[" + kind + ", " + fingerprint() + "]";
    }
}
