package dev.claudebridge.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two archives as a user gets them: unpacked into a fresh directory, then run. */
class ReleaseArchiveTest {
    private static final Dist DIST = Dist.fromSystemProperties();
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path tmp;

    static Path release;
    static Path client;

    @BeforeAll
    static void unpack() {
        release = Tar.unpack(DIST.releaseArchive(), tmp.resolve("release"));
        client = Tar.unpack(DIST.clientArchive(), tmp.resolve("client"));
    }

    @Test
    void releaseHasTheLayoutTheLaunchersLookFor() {
        assertThat(release.getFileName()).hasToString("claude-bridge-" + DIST.version());
        for (String exe : List.of("bin/claude-bridge", "bin/claude", "deploy/install.sh")) {
            assertThat(release.resolve(exe)).as(exe).isExecutable();
        }
        assertThat(release.resolve("lib/claude-bridge.jar")).isRegularFile();
        assertThat(release.resolve("lib/claude-bridge-client.jar")).isRegularFile();
        assertThat(release.resolve("lib/native/linux-" + Dist.arch() + "/libclaudebridge.so"))
                .isRegularFile();
        assertThat(release.resolve("lib/native/linux-" + Dist.arch() + "/claude"))
                .as("the native client")
                .isExecutable();
        for (String helper : List.of("claude-bridge-cgroup", "claude-bridge-session")) {
            // the session helper is what a sandboxed profile's process starts under: without it the
            // release's daemon refuses every profile that asks for the sandbox
            assertThat(release.resolve("lib/native/linux-" + Dist.arch() + "/" + helper))
                    .as("the daemon's helper " + helper)
                    .isExecutable();
        }
        for (String f : List.of(
                "docker-compose.yml",
                "Dockerfile.agent",
                "Dockerfile.bridge",
                "claude-bridge.service",
                "claude-bridge@.service",
                "claude-bridge.env.example",
                "k8s/daemonset.yaml",
                "k8s/agent-pod.yaml")) {
            assertThat(release.resolve("deploy").resolve(f)).as(f).isRegularFile();
        }
        assertThat(release.resolve("docs/DEPLOY.md")).isRegularFile();
    }

    @Test
    void clientDirectoryBringsAMinimalRuntimeWithClassData() throws IOException {
        assertThat(client.getFileName()).hasToString("claude-bridge-client");
        assertThat(client.resolve("bin/claude")).isExecutable();
        assertThat(client.resolve("bin/claude-native")).isExecutable();
        assertThat(Files.size(client.resolve("bin/claude-native")))
                .as("the native client's size")
                .isLessThanOrEqualTo(2L * 1024 * 1024);
        assertThat(client.resolve("lib/claude-bridge-client.jar")).isRegularFile();
        assertThat(client.resolve("lib/native/linux-" + Dist.arch() + "/libclaudebridge.so"))
                .isRegularFile();
        Path runtime = client.resolve("runtime");
        assertThat(runtime.resolve("bin/java")).isExecutable();
        assertThat(Files.readAllLines(runtime.resolve("release")))
                .contains("MODULES=\"java.base java.net.http jdk.unsupported\"");
        assertThat(runtime.resolve("lib/server/classes.jsa")).isRegularFile();
        assertThat(runtime.resolve("include")).doesNotExist();
        assertThat(runtime.resolve("man")).doesNotExist();
        // the CDS archive really maps: -Xshare:on fails instead of silently running without it
        Proc.of(runtime.resolve("bin/java").toString(), "-Xshare:on", "-XX:+UseSerialGC", "-version")
                .cleanEnv()
                .run(LIMIT)
                .ok();
        // 72 MB today (docs/DEPLOY.md): a module or plugin added by mistake shows here
        assertThat(size(runtime)).as("runtime size in bytes").isLessThan(90_000_000L);
    }

    @Test
    void unpackedDaemonServesTheClientRunningOnItsBundledRuntime() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("run"));
        Path project = Files.createDirectories(work.resolve("project")).toRealPath();
        Path socket = work.resolve("bridge.sock");
        Path tools = pathWithoutJava(work.resolve("tools"));
        try (BridgeDaemon daemon =
                BridgeDaemon.start(release, socket, FakeClaude.write(work), "--map", project + "=" + project)) {
            // the caller's environment: no JAVA_HOME, and a PATH on which there is no java at all
            Proc.Result which = Proc.of("/bin/sh", "-c", "command -v java")
                    .cleanEnv()
                    .env("PATH", tools.toString())
                    .run(LIMIT);
            assertThat(which.exit())
                    .as("java on the client's PATH: " + which.out())
                    .isNotZero();
            assertThat(which.out()).isEmpty();

            Proc.Result r = Proc.of(client.resolve("bin/claude").toString(), "-p", "hello world", "", "--verbose")
                    .cleanEnv()
                    .env("PATH", tools.toString())
                    .env("HOME", work.toString())
                    .env("CLAUDE_BRIDGE_SOCKET", socket.toString())
                    .dir(project)
                    .run(LIMIT);

            assertThat(r.out()).isEqualTo(FakeClaude.stdout(project, "-p", "hello world", "", "--verbose"));
            assertThat(r.err()).as("stderr is exactly the host claude's").isEqualTo(FakeClaude.STDERR);
            assertThat(r.exit()).isEqualTo(FakeClaude.EXIT);
            assertThat(daemon.logWith("outcome=exit 3")).contains("outcome=exit 3");
        }
    }

    @Test
    void installScriptInstallsTheArchiveAndItsUnits() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("install"));
        Path prefix = root.resolve("prefix");
        String user = System.getProperty("user.name");
        List<String> install = List.of(
                "sh",
                release.resolve("deploy/install.sh").toString(),
                "--prefix",
                prefix.toString(),
                "--unit-dir",
                root.resolve("units").toString(),
                "--config-dir",
                root.resolve("etc").toString(),
                "--user",
                user,
                DIST.releaseArchive().toString());
        Proc.Result first = Proc.of(install)
                .env("JAVA_HOME", System.getProperty("java.home"))
                .run(LIMIT)
                .ok();
        // an upgrade over an existing install works the same way
        Proc.of(install).run(LIMIT).ok();

        assertThat(first.out()).contains("into " + prefix, "Next steps:", "systemctl enable --now claude-bridge");
        assertThat(Proc.of(prefix.resolve("bin/claude-bridge").toString(), "--version")
                        .run(LIMIT)
                        .ok()
                        .out()
                        .strip())
                .isEqualTo("claude-bridge " + DIST.version());
        String unit = Files.readString(root.resolve("units/claude-bridge.service"));
        assertThat(unit)
                .contains(
                        "ExecStart=" + prefix + "/bin/claude-bridge serve ",
                        "User=" + user + "\n",
                        "EnvironmentFile=-" + root.resolve("etc/claude-bridge.env"));
        assertThat(unit).doesNotContain("/opt/claude-bridge", "CHANGE_ME");
        assertThat(root.resolve("units/claude-bridge@.service")).isRegularFile();
        assertThat(root.resolve("etc/claude-bridge.env"))
                .hasSameTextualContentAs(release.resolve("deploy/claude-bridge.env.example"));
    }

    @Test
    void installedUnitsPassSystemdVerification() throws IOException {
        assumeTrue(
                Proc.of("sh", "-c", "command -v systemd-analyze").run(LIMIT).exit() == 0,
                "systemd-analyze is not installed: the units' syntax is not verified here");
        Path root = Files.createDirectories(tmp.resolve("verify"));
        Path units = root.resolve("units");
        Proc.of(
                        "sh",
                        release.resolve("deploy/install.sh").toString(),
                        "--prefix",
                        root.resolve("opt").toString(),
                        "--unit-dir",
                        units.toString(),
                        "--config-dir",
                        root.resolve("etc").toString(),
                        "--user",
                        System.getProperty("user.name"))
                .run(LIMIT)
                .ok();
        // a template is verified through an instance of it
        Files.copy(units.resolve("claude-bridge@.service"), units.resolve("claude-bridge@agent-1.service"));
        for (String unit : List.of("claude-bridge.service", "claude-bridge@agent-1.service")) {
            Proc.Result r = Proc.of(
                            "systemd-analyze", "verify", units.resolve(unit).toString())
                    .run(LIMIT);
            assertThat(r.exit()).as(unit + ": " + r.err()).isZero();
            assertThat(r.err() + r.out()).as(unit + ": systemd's complaints").isEmpty();
        }
    }

    /** A directory to use as the whole PATH: just the tools bin/claude calls, and no java. */
    private static Path pathWithoutJava(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String tool : List.of("mkdir", "readlink")) {
            // copies, not links: a link would still lead back into a directory that may hold java
            Files.copy(onPath(tool), dir.resolve(tool), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return dir;
    }

    private static Path onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(tool + " is not on PATH");
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}
