package dev.claudebridge.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/ read: every mount, variable and path the docs promise is there, and the files agree with each
 * other and with the daemon. The container suite (dev.claudebridge.it.Docker*Test) runs the images and
 * the compose file where Docker can run; these checks hold everywhere, and the Kubernetes manifests,
 * which nothing here can apply, are validated against the API's schema.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Dist.fromSystemProperties().deploy();
    private static final String SOCKET_DIR_IN_CONTAINER = "/host/claude-bridge";
    private static final String SOCKET_IN_CONTAINER = SOCKET_DIR_IN_CONTAINER + "/claude-code-bridge.sock";
    private static final List<String> AGENTS = List.of("agent-1", "agent-2", "agent-3");
    private static final String BRIDGE_PROFILE = "bridge-container";
    /** The daemon's default shutdown.grace, which every stop timeout must exceed. */
    private static final int SHUTDOWN_GRACE_SECONDS = 30;

    private static Map<String, ComposeService> compose() {
        return Node.load(DEPLOY.resolve("docker-compose.yml")).get("services").entries().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new ComposeService(e.getKey(), e.getValue())));
    }

    @Test
    void composeAgentsEachMountASocketDirectoryAndAWorkspace() {
        Map<String, ComposeService> services = compose();
        for (String name : AGENTS) {
            ComposeService agent = services.get(name);
            assertThat(agent).as(name).isNotNull();
            assertThat(agent.environment()).as(name).containsEntry("CLAUDE_BRIDGE_SOCKET", SOCKET_IN_CONTAINER);
            // the directory, not the socket file: a restarted bridge's new socket must show up in the container
            assertThat(agent.mountAt(SOCKET_DIR_IN_CONTAINER))
                    .as(name + " socket directory mount")
                    .isPresent();
            assertThat(agent.mountAt(SOCKET_IN_CONTAINER))
                    .as(name + " mounts the socket file")
                    .isEmpty();
            assertThat(agent.mountAt("/workspace"))
                    .as(name + " workspace mount")
                    .isPresent();
            assertThat(agent.node().get("working_dir").text()).isEqualTo("/workspace");
            assertThat(agent.node().get("init").text()).as(name + " init").isEqualTo("true");
            assertThat(agent.node().get("network_mode").text())
                    .as(name + " network")
                    .isEqualTo("none");
            assertThat(agent.node().get("user").text())
                    .as(name + " user")
                    .doesNotStartWith("0")
                    .doesNotStartWith("root");
            assertThat(agent.node().find("depends_on"))
                    .as(name + ": no dependency on a service of an inactive profile")
                    .isEmpty();
        }
        // separate sockets and separate projects: that is what keeps the mappings apart
        assertThat(AGENTS.stream()
                        .map(a -> services.get(a)
                                .mountAt(SOCKET_DIR_IN_CONTAINER)
                                .orElseThrow()
                                .source())
                        .distinct())
                .hasSize(AGENTS.size());
        assertThat(AGENTS.stream()
                        .map(a -> services.get(a)
                                .mountAt("/workspace")
                                .orElseThrow()
                                .source())
                        .distinct())
                .hasSize(AGENTS.size());
    }

    @Test
    void composeBridgeServesEachAgentsSocketWithThatAgentsMapping() {
        Map<String, ComposeService> services = compose();
        ComposeService bridge = containerisedBridge();
        String configPath = bridge.option("--config")
                .orElseThrow(() -> new AssertionError("the bridge service runs without --config"));
        String configFile = bridge.mountAt(configPath).orElseThrow().source();
        Node config = Node.load(DEPLOY.resolve(configFile));
        for (String name : AGENTS) {
            ComposeService agent = services.get(name);
            String socketDir = bridge.mountOf(
                            agent.mountAt(SOCKET_DIR_IN_CONTAINER).orElseThrow().source())
                    .orElseThrow(() -> new AssertionError("the bridge does not mount " + name + "'s socket directory"))
                    .target();
            Node listener = config.get("listeners").list().stream()
                    .filter(l -> l.get("socket").text().equals(socketDir + "/claude-code-bridge.sock"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(configFile + " has no listener in " + socketDir));
            String profile = listener.get("profile").text();
            ComposeService.Mount workspace = agent.mountAt("/workspace").orElseThrow();
            String hostSide = bridge.mountOf(workspace.source())
                    .orElseThrow(() -> new AssertionError("the bridge does not mount " + workspace.source()))
                    .target();
            assertThat(config.get("profiles").get(profile).get("mappings").strings())
                    .as(name + "'s profile " + profile)
                    .containsExactly("/workspace=" + hostSide);
        }
    }

    @Test
    void composeBridgeHealthIsReadinessAndItStopsGracefully() {
        ComposeService bridge = containerisedBridge();
        String test =
                String.join(" ", bridge.node().get("healthcheck").get("test").strings());
        assertThat(test)
                .as("ready, not merely listening")
                .containsAnyOf("/readyz", "claude-bridge status")
                .doesNotContain("test -S");
        assertThat(bridge.node().get("init").text()).isEqualTo("true");
        String grace = bridge.node().get("stop_grace_period").text();
        assertThat(Integer.parseInt(grace.replaceAll("s$", "")))
                .as("stop_grace_period " + grace)
                .isGreaterThan(SHUTDOWN_GRACE_SECONDS);
    }

    @Test
    void composeFileUsesNothingCompose129Rejects() {
        Node file = Node.load(DEPLOY.resolve("docker-compose.yml"));
        assertThat(file.entries()).as("top-level keys").doesNotContainKey("name");
        String text = read("docker-compose.yml");
        assertThat(text).doesNotContain("create_host_path").doesNotContainPattern("(?m)^\\s*required:");
    }

    @Test
    void composeAgentSocketsAreTheOnesTheSystemdInstancesMake() {
        UnitFile template = UnitFile.read(DEPLOY.resolve("claude-bridge@.service"));
        String socket = template.execStartOption("--socket").orElseThrow();
        for (String name : AGENTS) {
            String expected = Path.of(
                            socket.replace("%t", "${BRIDGE_RUN:-/run}").replace("%i", name))
                    .getParent()
                    .toString();
            assertThat(compose()
                            .get(name)
                            .mountAt(SOCKET_DIR_IN_CONTAINER)
                            .orElseThrow()
                            .source())
                    .isEqualTo(expected);
        }
    }

    @Test
    void composeMountsClaudeConfigReadWrite() {
        ComposeService bridge = containerisedBridge();
        assertThat(bridge.environment()).containsEntry("HOME", "${HOME}");
        assertThat(bridge.mountAt("${HOME}"))
                .as("home mount")
                .hasValueSatisfying(
                        m -> assertThat(m).isEqualTo(new ComposeService.Mount("${HOME}", "${HOME}", false)));
        // Claude Code writes ~/.claude.json and ~/.claude/: nothing of the home or the config may be read-only
        for (ComposeService s : compose().values()) {
            for (ComposeService.Mount m : s.mounts()) {
                if ((m.source() + m.target()).matches(".*(\\.claude|\\$\\{HOME\\}|~).*")) {
                    assertThat(m.readOnly())
                            .as(s.name() + " mounts " + m + " read-only")
                            .isFalse();
                }
            }
        }
        assertThat(read("docker-compose.yml")).doesNotContainPattern(Pattern.compile("\\.claude[^\\n]*:ro\\b"));
    }

    private static ComposeService containerisedBridge() {
        List<ComposeService> bridges = compose().values().stream()
                .filter(s -> s.profiles().contains(BRIDGE_PROFILE))
                .toList();
        assertThat(bridges).as("services of profile " + BRIDGE_PROFILE).hasSize(1);
        return bridges.getFirst();
    }

    @Test
    void daemonSetAndAgentPodShareTheSocketHostPath() {
        Node bridge = bridgeContainer();
        Node dsSpec = daemonSet().get("spec").get("template").get("spec");
        Path socket = Path.of(option(bridge.get("args").strings(), "--socket"));
        String socketDirVolume = volumeMountedAt(bridge, socket.getParent().toString());
        Node socketDir = volume(dsSpec, socketDirVolume).get("hostPath");

        Node podSpec = agentPod().get("spec");
        Node agent = podSpec.get("containers").list().getFirst();
        assertThat(env(agent))
                .containsEntry("CLAUDE_BRIDGE_SOCKET", SOCKET_DIR_IN_CONTAINER + "/" + socket.getFileName());
        // the directory: the pod keeps working when the bridge pod restarts and makes a new socket
        Node podSocketDir =
                volume(podSpec, volumeMountedAt(agent, SOCKET_DIR_IN_CONTAINER)).get("hostPath");
        assertThat(podSocketDir.get("path").text())
                .isEqualTo(socketDir.get("path").text());
        assertThat(podSocketDir.get("type").text()).isEqualTo("Directory");
    }

    @Test
    void agentPodWorkspaceIsMappedToItsNodeDirectory() {
        Node bridge = bridgeContainer();
        String[] map = option(bridge.get("args").strings(), "--map").split("=", 2);
        Node podSpec = agentPod().get("spec");
        Node agent = podSpec.get("containers").list().getFirst();
        Node workspaceMount = agent.get("volumeMounts").list().stream()
                .filter(m -> Path.of(m.get("mountPath").text()).startsWith(map[0]))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the agent pod mounts nothing under the mapped " + map[0]));
        String inPod = workspaceMount.get("mountPath").text();
        String onNode = volume(podSpec, workspaceMount.get("name").text())
                .get("hostPath")
                .get("path")
                .text();
        assertThat(Path.of(map[1]).resolve(Path.of(map[0]).relativize(Path.of(inPod))))
                .isEqualTo(Path.of(onNode));
        assertThat(Path.of(agent.get("workingDir").text())).startsWithRaw(Path.of(inPod));
        // and the bridge itself sees the host side of the mapping
        Node dsSpec = daemonSet().get("spec").get("template").get("spec");
        assertThat(volume(dsSpec, volumeMountedAt(bridge, map[1]))
                        .get("hostPath")
                        .get("path")
                        .text())
                .isEqualTo(map[1]);
    }

    @Test
    void daemonSetRunsAsTheClaudeUserWithItsHomeWritable() {
        Node bridge = bridgeContainer();
        Node dsSpec = daemonSet().get("spec").get("template").get("spec");
        String home = env(bridge).get("HOME");
        assertThat(home).isNotNull();
        assertThat(volume(dsSpec, volumeMountedAt(bridge, home))
                        .get("hostPath")
                        .get("path")
                        .text())
                .isEqualTo(home);
        for (Node m : bridge.get("volumeMounts").list()) {
            assertThat(m.find("readOnly").map(Node::text)).as(m.path()).isNotEqualTo(Optional.of("true"));
        }
        Node sc = bridge.get("securityContext");
        assertThat(sc.get("runAsNonRoot").text()).isEqualTo("true");
        assertThat(sc.get("allowPrivilegeEscalation").text()).isEqualTo("false");
        assertThat(Integer.parseInt(dsSpec.get("terminationGracePeriodSeconds").text()))
                .isGreaterThan(SHUTDOWN_GRACE_SECONDS);
        assertThat(bridge.get("readinessProbe").get("exec").get("command").strings())
                .as("ready, not merely listening")
                .contains("status")
                .doesNotContain("-S");
    }

    @Test
    void manifestsAreValidAgainstTheKubernetesApiSchema() throws Exception {
        Path models = Path.of(System.getProperty("dist.k8s.models", ""));
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isDirectory(models.resolve("node_modules/kubernetes-models")),
                "kubernetes-models is not installed (./build.sh test installs it into .tools/): skipped");
        Path validator = DEPLOY.resolveSibling("dist/src/test/k8s/validate.mjs");
        List<String> cmd = new java.util.ArrayList<>(List.of("node", validator.toString(), models.toString()));
        try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
            files.filter(f -> f.toString().endsWith(".yaml"))
                    .sorted()
                    .map(Path::toString)
                    .forEach(cmd::add);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("ok "))).as(out).hasSize(8);
    }

    @Test
    void theSchemaValidatorRejectsAManifestTheApiWould() throws Exception {
        Path models = Path.of(System.getProperty("dist.k8s.models", ""));
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isDirectory(models.resolve("node_modules/kubernetes-models")),
                "kubernetes-models is not installed (./build.sh test installs it into .tools/): skipped");
        // the agent pod with a uid written as a string and a hostPath type that does not exist
        Path bad = Files.createTempFile("bad-pod", ".yaml");
        try {
            Files.writeString(bad, read("k8s/agent-pod.yaml").replace("runAsUser: 1000", "runAsUser: \"1000\""));
            Process p = new ProcessBuilder(
                            "node",
                            DEPLOY.resolveSibling("dist/src/test/k8s/validate.mjs")
                                    .toString(),
                            models.toString(),
                            bad.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isEqualTo(1);
            assertThat(out).contains("invalid").contains("runAsUser");
        } finally {
            Files.deleteIfExists(bad);
        }
    }

    @Test
    void systemdInstancesEachHaveTheirOwnAdminSocketOutsideTheAgentsDirectory() {
        UnitFile template = UnitFile.read(DEPLOY.resolve("claude-bridge@.service"));
        String socket = template.execStartOption("--socket").orElseThrow();
        String admin = template.execStartOption("--admin-socket")
                .orElseThrow(() -> new AssertionError("instances share the admin TCP port"));
        assertThat(template.execStartOption("--admin-listen")).contains("off");
        assertThat(admin).contains("%i");
        assertThat(Path.of(admin).getParent())
                .as("the admin socket is not in the directory agents mount")
                .isNotEqualTo(Path.of(socket).getParent());
        for (String dir : List.of(Path.of(socket).getParent(), Path.of(admin).getParent()).stream()
                .map(d -> d.getFileName().toString())
                .toList()) {
            assertThat(template.require("RuntimeDirectory").split("\\s+"))
                    .as("systemd makes " + dir)
                    .contains(dir);
        }
        for (String name : List.of("claude-bridge.service", "claude-bridge@.service")) {
            String stop = UnitFile.read(DEPLOY.resolve(name)).require("TimeoutStopSec");
            assertThat(Integer.parseInt(stop.replaceAll("s$", "")))
                    .as(name + " TimeoutStopSec")
                    .isGreaterThan(SHUTDOWN_GRACE_SECONDS);
        }
    }

    @Test
    void systemdUnitsRunTheDaemonFromThePrefixHardened() throws IOException {
        for (String name : List.of("claude-bridge.service", "claude-bridge@.service")) {
            UnitFile unit = UnitFile.read(DEPLOY.resolve(name));
            String runtimeDir =
                    unit.require("RuntimeDirectory").split("\\s+")[0]; // the socket's; an instance has its admin's too
            assertThat(unit.require("ExecStart"))
                    .as(name)
                    .startsWith("/opt/claude-bridge/bin/claude-bridge serve --socket %t/" + runtimeDir + "/");
            assertThat(unit.require("NoNewPrivileges")).as(name).isEqualTo("yes");
            assertThat(unit.require("ProtectSystem")).as(name).isIn("full", "strict");
            assertThat(unit.require("PrivateTmp")).as(name).isEqualTo("yes");
            assertThat(unit.require("User")).as(name).isNotEmpty();
            // would break the JVM and claude; /dev/ptmx is needed for interactive sessions
            assertThat(unit.get("MemoryDenyWriteExecute")).as(name).isEmpty();
            assertThat(unit.get("PrivateDevices")).as(name).isEmpty();
        }
        try (Stream<Path> files = Files.list(DEPLOY)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no socket activation: the daemon does not support it")
                    .noneMatch(f -> f.endsWith(".socket"));
        }
    }

    @Test
    void agentImageHasTheClientAndNoJava() {
        Dockerfile d = Dockerfile.read(DEPLOY.resolve("Dockerfile.agent"));
        Pattern java = Pattern.compile("(?i)jdk|jre|java|temurin|corretto|zulu");
        assertThat(d.all("FROM")).singleElement().matches(s -> !java.matcher(s).find(), "a base image without Java");
        assertThat(d.all("RUN")).noneMatch(r -> java.matcher(r).find());
        // from an unpacked client archive, or from the source tree after a build
        List<String> copy = List.of(d.all("COPY").getFirst().split("\\s+"));
        assertThat(copy.subList(0, copy.size() - 1))
                .containsExactly(
                        "claude-bridge-clien[t]/bin/claude-nativ[e]",
                        "dist/target/claude-bridge-clien[t]/bin/claude-nativ[e]");
        // the native client alone: no Java runtime comes into the image
        String dest = copy.getLast();
        assertThat(dest).endsWith("/bin/");
        assertThat(d.symlink()).contains(List.of(dest + "claude-native", "/usr/local/bin/claude"));
        assertThat(d.env("CLAUDE_BRIDGE_SOCKET")).contains(SOCKET_IN_CONTAINER);
    }

    @Test
    void bridgeImageRunsTheDaemonOnAJava25BaseAndInstallsNothing() {
        Dockerfile d = Dockerfile.read(DEPLOY.resolve("Dockerfile.bridge"));
        assertThat(d.all("ARG")).anyMatch(a -> a.startsWith("JAVA_IMAGE=") && a.contains(":25"));
        assertThat(d.all("FROM")).singleElement().isEqualTo("${JAVA_IMAGE}");
        assertThat(d.all("RUN"))
                .as("nothing fetched at build time: it builds without a network")
                .isEmpty();
        assertThat(d.copyDestination("bin/")).contains("/opt/claude-bridge/bin/");
        assertThat(d.copyDestination("lib/")).contains("/opt/claude-bridge/lib/");
        assertThat(d.all("ENTRYPOINT")).singleElement().asString().contains("\"/opt/claude-bridge/bin/claude-bridge\"");
    }

    /** The bridge for other nodes reads its TLS files from the Secret's directory, which the kubelet keeps current. */
    @Test
    void tlsBridgeServesItsServiceWithTheSecretsFilesAndAgentsDialTheService() throws IOException {
        List<Node> docs = Node.loadAll(DEPLOY.resolve("k8s/bridge-tls.yaml"));
        Path configFile = Files.createTempFile("bridge-tls-config", ".yaml");
        Node config;
        try {
            Files.writeString(
                    configFile,
                    docs.stream()
                            .filter(n -> n.get("kind").text().equals("ConfigMap"))
                            .findFirst()
                            .orElseThrow()
                            .get("data")
                            .get("config.yaml")
                            .text());
            config = Node.load(configFile);
        } finally {
            Files.deleteIfExists(configFile);
        }
        Node tls = config.get("listeners").list().stream()
                .filter(l -> l.find("tls").isPresent())
                .findFirst()
                .orElseThrow()
                .get("tls");
        Node pod = docs.stream()
                .filter(n -> n.get("kind").text().equals("Deployment"))
                .findFirst()
                .orElseThrow()
                .get("spec")
                .get("template")
                .get("spec");
        Node bridge = pod.get("containers").list().getFirst();
        Node secretMount = bridge.get("volumeMounts").list().stream()
                .filter(m -> volume(pod, m.get("name").text()).find("secret").isPresent())
                .findFirst()
                .orElseThrow();
        assertThat(secretMount.find("subPath").isPresent())
                .as("a subPath mount never sees a renewed Secret")
                .isFalse();
        for (String file : List.of("certificate", "key", "client-ca")) {
            assertThat(tls.get(file).text())
                    .startsWith(secretMount.get("mountPath").text() + "/");
        }
        String port = tls.get("listen").text().replaceAll(".*:", "");
        Node service = docs.stream()
                .filter(n -> n.get("kind").text().equals("Service"))
                .findFirst()
                .orElseThrow();
        assertThat(bridge.get("ports").list().getFirst().get("containerPort").text())
                .isEqualTo(port);
        Node agent = docs.stream()
                .filter(n -> n.get("kind").text().equals("Pod"))
                .findFirst()
                .orElseThrow()
                .get("spec")
                .get("containers")
                .list()
                .getFirst();
        assertThat(env(agent).get("CLAUDE_BRIDGE_URL"))
                .isEqualTo("tls://" + service.get("metadata").get("name").text() + "."
                        + service.get("metadata").get("namespace").text() + ".svc:"
                        + service.get("spec")
                                .get("ports")
                                .list()
                                .getFirst()
                                .get("port")
                                .text());
    }

    private static Node daemonSet() {
        return Node.loadAll(DEPLOY.resolve("k8s/daemonset.yaml")).stream()
                .filter(n -> n.get("kind").text().equals("DaemonSet"))
                .findFirst()
                .orElseThrow();
    }

    private static Node bridgeContainer() {
        return daemonSet()
                .get("spec")
                .get("template")
                .get("spec")
                .get("containers")
                .list()
                .getFirst();
    }

    private static Node agentPod() {
        return Node.loadAll(DEPLOY.resolve("k8s/agent-pod.yaml")).stream()
                .filter(n -> n.get("kind").text().equals("Pod"))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, String> env(Node container) {
        return container.get("env").list().stream()
                .collect(Collectors.toMap(
                        e -> e.get("name").text(), e -> e.get("value").text()));
    }

    private static String volumeMountedAt(Node container, String mountPath) {
        return container.get("volumeMounts").list().stream()
                .filter(m -> m.get("mountPath").text().equals(mountPath))
                .findFirst()
                .orElseThrow(() -> new AssertionError(container.path() + " mounts nothing at " + mountPath))
                .get("name")
                .text();
    }

    private static Node volume(Node podSpec, String name) {
        return podSpec.get("volumes").list().stream()
                .filter(v -> v.get("name").text().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(podSpec.path() + " has no volume " + name));
    }

    private static String option(List<String> args, String option) {
        int i = args.indexOf(option);
        if (i < 0 || i + 1 >= args.size()) {
            throw new AssertionError("no " + option + " in " + args);
        }
        return args.get(i + 1);
    }

    private static String read(String file) {
        try {
            return Files.readString(DEPLOY.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
