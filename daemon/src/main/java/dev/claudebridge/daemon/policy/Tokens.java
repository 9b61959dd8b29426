package dev.claudebridge.daemon.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A listener's bearer tokens, as the configuration holds them: a name and the SHA-256 of the token.
 * A caller's token is hashed and compared with every entry in constant time, so neither the answer's
 * timing nor the configuration gives a token away. A reload makes a new set: a removed entry is revoked.
 */
public final class Tokens {
    private record Entry(String name, byte[] hash) {}

    private final List<Entry> entries;

    private Tokens(List<Entry> entries) {
        this.entries = entries;
    }

    /** From {@code NAME=sha256:HEX} entries (checked by the configuration). */
    public static Tokens of(List<String> config) {
        return new Tokens(config.stream()
                .map(e -> new Entry(
                        e.substring(0, e.indexOf('=')),
                        HexFormat.of().parseHex(e.substring(e.indexOf("=sha256:") + "=sha256:".length()))))
                .toList());
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The name of the entry this token matches, if any. */
    public Optional<String> nameOf(String token) {
        byte[] h = sha256(token);
        String found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(h, e.hash()) && found == null) { // no early exit: same work for any token
                found = e.name();
            }
        }
        return Optional.ofNullable(found);
    }

    /** A new random token (256 bits, URL-safe base64). */
    public static String generate() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The configuration's form of a token: {@code sha256:HEX}. */
    public static String hash(String token) {
        return "sha256:" + HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
