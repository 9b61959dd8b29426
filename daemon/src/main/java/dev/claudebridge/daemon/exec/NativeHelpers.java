package dev.claudebridge.daemon.exec;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the daemon's native helper programs (src/main/c) are: beside its jar, or where a system property says. */
public final class NativeHelpers {
    private NativeHelpers() {}

    /**
     * The executable {@code program} from {@code native/linux-ARCH/} beside the daemon's code (lib/ of a
     * release, daemon/target/ of a build), or at the path the system property {@code property} names.
     */
    public static Optional<Path> find(String program, String property) {
        String given = System.getProperty(property);
        if (given != null) {
            return Optional.of(Path.of(given)).filter(Files::isExecutable);
        }
        try {
            Path code = Path.of(NativeHelpers.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            String arch = switch (System.getProperty("os.arch")) {
                case "amd64", "x86_64" -> "x86_64";
                case "aarch64", "arm64" -> "aarch64";
                default -> System.getProperty("os.arch");
            };
            Path h = code.getParent().resolve("native").resolve("linux-" + arch).resolve(program);
            return Optional.of(h).filter(Files::isExecutable);
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
