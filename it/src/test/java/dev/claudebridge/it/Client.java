package dev.claudebridge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;

/**
 * The container client a test runs: the reference Java client ({@code bin/claude}) or the native one
 * (the static executable the client module builds from C). The client-side tests run against both, so
 * neither can drift from the protocol or from the other.
 */
enum Client {
    JAVA,
    NATIVE;

    /** Where the client module's build leaves the native client for this machine's architecture. */
    static final Path NATIVE_BINARY = Bridge.HOME.resolve("client/target/native/linux-" + arch() + "/claude");

    private static Path readableNative;

    /** The program a caller runs; skips the calling test when the native client was not built (no C compiler). */
    Path executable() {
        if (this == JAVA) {
            return Bridge.CLIENT;
        }
        Assumptions.assumeTrue(
                Files.isExecutable(NATIVE_BINARY),
                "the native client was not built (no C compiler; build.sh installs musl-tools): skipped");
        return NATIVE_BINARY;
    }

    /** The client in a directory every user may read, for tests that run it as another user. */
    Path readableExecutable() {
        if (this == JAVA) {
            return Bridge.readableClient();
        }
        return readableNative(executable());
    }

    private static synchronized Path readableNative(Path binary) {
        if (readableNative == null) {
            try {
                var open = PosixFilePermissions.fromString("rwxr-xr-x");
                Path dir = Files.createTempDirectory(
                        Path.of("/tmp"), "claude-bridge-native-", PosixFilePermissions.asFileAttribute(open));
                Path copy = Files.copy(binary, dir.resolve("claude"));
                Files.setPosixFilePermissions(copy, open);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Bridge.deleteTree(dir)));
                readableNative = copy;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return readableNative;
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return "amd64".equals(a) ? "x86_64" : a;
    }
}
