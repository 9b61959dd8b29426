package dev.claudebridge.dist;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the build made and where deploy/ is, from the system properties dist/pom.xml sets for the tests. */
record Dist(String version, Path target, Path deploy) {

    static Dist fromSystemProperties() {
        return new Dist(property("dist.version"), Path.of(property("dist.target")), Path.of(property("dist.deploy")));
    }

    Path releaseArchive() {
        return existing(target.resolve("claude-bridge-" + version + ".tar.gz"));
    }

    Path clientArchive() {
        return existing(target.resolve("claude-bridge-client-" + version + "-linux-" + arch() + ".tar.gz"));
    }

    /** The machine's architecture as uname and the native helper's directory name it. */
    static String arch() {
        String a = System.getProperty("os.arch");
        return "amd64".equals(a) ? "x86_64" : a;
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: these tests run after `package` (mvn verify)");
        }
        return p;
    }

    private static String property(String name) {
        String v = System.getProperty(name, "");
        if (v.isEmpty()) {
            throw new IllegalStateException(
                    "system property " + name + " is not set: run the tests through Maven (dist/pom.xml sets it)");
        }
        return v;
    }
}
