package dev.claudebridge.daemon.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.function.Function;

/**
 * A credential read from a file and read again only when the file changes: every {@link #current()}
 * costs one {@code stat}. A file that cannot be parsed fails the same way until it changes.
 */
final class CredentialFile implements CredentialSource {
    /** Larger than any credential file; a bigger one is a mistake, not something to read into memory. */
    static final long MAX_BYTES = 1 << 20;

    /** What identifies one version of the file. */
    private record Version(Object fileKey, FileTime modified, long size) {}

    private final Path path;
    private final String origin;
    private final Function<String, Credential> parse;
    private Version seen;
    private Credential credential;
    private CredentialException failure;

    CredentialFile(Path path, String origin, Function<String, Credential> parse) {
        this.path = path;
        this.origin = origin;
        this.parse = parse;
    }

    @Override
    public synchronized Credential current() {
        Version now = version();
        if (!now.equals(seen)) {
            seen = now;
            credential = null;
            failure = null;
            try {
                credential = parse.apply(read(now));
            } catch (CredentialException e) {
                failure = new CredentialException(origin + ": " + e.getMessage(), e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return credential;
    }

    @Override
    public String origin() {
        return origin;
    }

    private Version version() {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return new Version(Objects.requireNonNullElse(a.fileKey(), ""), a.lastModifiedTime(), a.size());
        } catch (NoSuchFileException e) {
            throw new CredentialException(origin + " does not exist");
        } catch (IOException e) {
            throw new CredentialException(origin + " cannot be read: " + e.getMessage(), e);
        }
    }

    private String read(Version version) {
        if (version.size() > MAX_BYTES) {
            throw new CredentialException("is " + version.size() + " bytes, more than a credential file holds");
        }
        if (!Files.isRegularFile(path)) { // a symbolic link to one is fine: mounted secrets are often links
            throw new CredentialException("is not a regular file");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(Files.readAllBytes(path)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CredentialException("is not UTF-8 text");
        } catch (IOException e) {
            throw new CredentialException("cannot be read: " + e.getMessage(), e);
        }
    }
}
