package dev.claudebridge.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** Unpacking with the system's tar, as a user would. */
final class Tar {
    private Tar() {}

    /** Unpacks {@code archive} into the new directory {@code into} and returns the archive's one top-level directory. */
    static Path unpack(Path archive, Path into) {
        try {
            Files.createDirectories(into);
            Proc.of("tar", "-xzf", archive.toString(), "-C", into.toString())
                    .run(Duration.ofSeconds(60))
                    .ok();
            try (Stream<Path> s = Files.list(into)) {
                List<Path> top = s.toList();
                if (top.size() != 1 || !Files.isDirectory(top.getFirst())) {
                    throw new AssertionError(archive + " should hold one top-level directory, has " + top);
                }
                return top.getFirst();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
