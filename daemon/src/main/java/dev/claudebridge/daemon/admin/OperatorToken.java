package dev.claudebridge.daemon.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The operator token: what an admin action (ending a request, draining) must carry as {@code
 * Authorization: Bearer TOKEN}. It lives in a file only the daemon's user can read, made on first start
 * and kept across restarts, so reading it is the proof of being that user (or root).
 */
public final class OperatorToken {
    /** The file's name beside the audit log when the configuration names none. */
    public static final String FILE_NAME = "operator-token";

    private static final Set<PosixFilePermission> OPEN_TO_OTHERS = Set.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE);

    private final Path file;
    private final byte[] token;

    private OperatorToken(Path file, String token) {
        this.file = file;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the token file, or creates it (mode 0600, 256 random bits) when there is none.
     *
     * @throws IOException when it cannot be read or made, or when others may read or change it
     */
    public static OperatorToken loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, fresh + "\n", StandardCharsets.US_ASCII);
            } catch (FileAlreadyExistsException raced) {
                // another daemon made it first: read theirs
            }
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (mode.stream().anyMatch(OPEN_TO_OTHERS::contains)) {
            throw new IOException("other users may read or change " + file + " (mode "
                    + PosixFilePermissions.toString(mode) + "); chmod 600 it, or delete it to get a new one");
        }
        String t = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (t.length() < 16) {
            throw new IOException(file + " holds no token (fewer than 16 characters); delete it to get a new one");
        }
        return new OperatorToken(file, t);
    }

    /** Reads a token file for a command; nothing is created. */
    public static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    public Path file() {
        return file;
    }

    /** Whether an {@code Authorization} header carries this token (in constant time). */
    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, token);
    }
}
