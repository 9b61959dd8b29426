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
 * deploy/ cannot be run here (no Docker, no Kubernetes, no systemd as init), so it is read: every mount,
 * variable and path the docs promise is there, and the files agree with each other and with the daemon.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Dist.fromSystemProperties().deploy();
    private static final String SOCKET_IN_CONTAINER = "/host/claude-bridge.sock";
    private static final List<String> AGENTS = List.of("agent-1", "agent-2");
    private static final String BRIDGE_PROFILE = "bridge-container";

    private static Map<String, ComposeService> compose() {
        return Node.load(DEPLOY.resolve("docker-compose.yml")).get("services").entries().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new ComposeService(e.getKey(), e.getValue())));
    }

    @Test
    void composeAgentsEachMountASocketAndAWorkspace() {
        Map<String, ComposeService> services = compose();
        for (String name : AGENTS) {
            ComposeService agent = services.get(name);
            assertThat(agent).as(name).isNotNull();
            assertThat(agent.environment()).as(name).containsEntry("CLAUDE_BRIDGE_SOCKET", SOCKET_IN_CONTAINER);
            assertThat(agent.mountAt(SOCKET_IN_CONTAINER)).as(name + " socket mount").isPresent();
            assertThat(agent.mountAt("/workspace")).as(name + " workspace mount").isPresent();
            assertThat(agent.node().get("working_dir").text()).isEqualTo("/workspace");
        }
        // separate sockets and separate projects: that is what keeps the mappings apart
        assertThat(AGENTS.stream().map(a -> services.get(a).mountAt(SOCKET_IN_CONTAINER).orElseThrow().source()).distinct()).hasSize(2);
        assertThat(AGENTS.stream().map(a -> services.get(a).mountAt("/workspace").orElseThrow().source()).distinct()).hasSize(2);
    }

    @Test
    void composeBridgeOfEachAgentMapsWorkspaceToThatAgentsProject() {
        Map<String, ComposeService> services = compose();
        for (String name : AGENTS) {
            ComposeService agent = services.get(name);
            Path socket = Path.of(agent.mountAt(SOCKET_IN_CONTAINER).orElseThrow().source());
            ComposeService.Mount workspace = agent.mountAt("/workspace").orElseThrow();
            List<ComposeService> bridges = services.values().stream()
                    .filter(s -> s.profiles().contains(BRIDGE_PROFILE) && s.mountOf(socket.getParent().toString()).isPresent())
                    .toList();
            assertThat(bridges).as("the containerised bridge whose socket directory " + name + " uses").hasSize(1);
            ComposeService bridge = bridges.getFirst();

            String socketDir = bridge.mountOf(socket.getParent().toString()).orElseThrow().target();
            assertThat(bridge.option("--socket")).contains(socketDir + "/" + socket.getFileName());
            String map = bridge.option("--map").orElseThrow(() -> new AssertionError(bridge.name() + " has no --map"));
            String hostSide = bridge.mountOf(workspace.source()).orElseThrow(
                    () -> new AssertionError(bridge.name() + " does not mount " + workspace.source())).target();
            assertThat(map).isEqualTo(workspace.target() + "=" + hostSide);
            assertThat(bridge.node().get("healthcheck").get("test").strings()).contains(socketDir + "/" + socket.getFileName());
            Node dependency = agent.node().get("depends_on").get(bridge.name());
            assertThat(dependency.get("condition").text()).isEqualTo("service_healthy");
            assertThat(dependency.get("required").text()).as("the bridge may run on the host instead").isEqualTo("false");
        }
    }

    @Test
    void composeAgentSocketsAreTheOnesTheSystemdInstancesMake() {
        UnitFile template = UnitFile.read(DEPLOY.resolve("claude-bridge@.service"));
        String socket = template.execStartOption("--socket").orElseThrow();
        for (String name : AGENTS) {
            String expected = socket.replace("%t", "/run").replace("%i", name);
            assertThat(compose().get(name).mountAt(SOCKET_IN_CONTAINER).orElseThrow().source()).isEqualTo(expected);
        }
    }

    @Test
    void composeMountsClaudeConfigReadWrite() {
        List<ComposeService> bridges = compose().values().stream().filter(s -> s.profiles().contains(BRIDGE_PROFILE)).toList();
        assertThat(bridges).hasSize(AGENTS.size());
        for (ComposeService bridge : bridges) {
            assertThat(bridge.environment()).containsEntry("HOME", "${HOME}");
            assertThat(bridge.mountAt("${HOME}")).as(bridge.name() + " home mount")
                    .hasValueSatisfying(m -> assertThat(m).isEqualTo(new ComposeService.Mount("${HOME}", "${HOME}", false)));
        }
        // Claude Code writes ~/.claude.json and ~/.claude/: nothing of the home or the config may be read-only
        for (ComposeService s : compose().values()) {
            for (ComposeService.Mount m : s.mounts()) {
                if ((m.source() + m.target()).matches(".*(\\.claude|\\$\\{HOME\\}|~).*")) {
                    assertThat(m.readOnly()).as(s.name() + " mounts " + m + " read-only").isFalse();
                }
            }
        }
        assertThat(read("docker-compose.yml")).doesNotContainPattern(Pattern.compile("\\.claude[^\\n]*:ro\\b"));
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
        assertThat(env(agent)).containsEntry("CLAUDE_BRIDGE_SOCKET", SOCKET_IN_CONTAINER);
        Node podSocket = volume(podSpec, volumeMountedAt(agent, SOCKET_IN_CONTAINER)).get("hostPath");
        assertThat(podSocket.get("path").text()).isEqualTo(socketDir.get("path").text() + "/" + socket.getFileName());
        assertThat(podSocket.get("type").text()).isEqualTo("Socket");
    }

    @Test
    void agentPodWorkspaceIsMappedToItsNodeDirectory() {
        Node bridge = bridgeContainer();
        String[] map = option(bridge.get("args").strings(), "--map").split("=", 2);
        Node podSpec = agentPod().get("spec");
        Node agent = podSpec.get("containers").list().getFirst();
        Node workspaceMount = agent.get("volumeMounts").list().stream()
                .filter(m -> Path.of(m.get("mountPath").text()).startsWith(map[0])).findFirst()
                .orElseThrow(() -> new AssertionError("the agent pod mounts nothing under the mapped " + map[0]));
        String inPod = workspaceMount.get("mountPath").text();
        String onNode = volume(podSpec, workspaceMount.get("name").text()).get("hostPath").get("path").text();
        assertThat(Path.of(map[1]).resolve(Path.of(map[0]).relativize(Path.of(inPod)))).isEqualTo(Path.of(onNode));
        assertThat(Path.of(agent.get("workingDir").text())).startsWithRaw(Path.of(inPod));
        // and the bridge itself sees the host side of the mapping
        Node dsSpec = daemonSet().get("spec").get("template").get("spec");
        assertThat(volume(dsSpec, volumeMountedAt(bridge, map[1])).get("hostPath").get("path").text()).isEqualTo(map[1]);
    }

    @Test
    void daemonSetRunsAsTheClaudeUserWithItsHomeWritable() {
        Node bridge = bridgeContainer();
        Node dsSpec = daemonSet().get("spec").get("template").get("spec");
        String home = env(bridge).get("HOME");
        assertThat(home).isNotNull();
        assertThat(volume(dsSpec, volumeMountedAt(bridge, home)).get("hostPath").get("path").text()).isEqualTo(home);
        for (Node m : bridge.get("volumeMounts").list()) {
            assertThat(m.find("readOnly").map(Node::text)).as(m.path()).isNotEqualTo(Optional.of("true"));
        }
        Node sc = bridge.get("securityContext");
        assertThat(sc.get("runAsNonRoot").text()).isEqualTo("true");
        assertThat(sc.get("allowPrivilegeEscalation").text()).isEqualTo("false");
    }

    @Test
    void systemdUnitsRunTheDaemonFromThePrefixHardened() throws IOException {
        for (String name : List.of("claude-bridge.service", "claude-bridge@.service")) {
            UnitFile unit = UnitFile.read(DEPLOY.resolve(name));
            String runtimeDir = unit.require("RuntimeDirectory");
            assertThat(unit.require("ExecStart")).as(name)
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
            assertThat(files.map(p -> p.getFileName().toString())).as("no socket activation: the daemon does not support it")
                    .noneMatch(f -> f.endsWith(".socket"));
        }
    }

    @Test
    void agentImageHasTheClientAndNoJava() {
        Dockerfile d = Dockerfile.read(DEPLOY.resolve("Dockerfile.agent"));
        Pattern java = Pattern.compile("(?i)jdk|jre|java|temurin|corretto|zulu");
        assertThat(d.all("FROM")).singleElement().matches(s -> !java.matcher(s).find(), "a base image without Java");
        assertThat(d.all("RUN")).noneMatch(r -> java.matcher(r).find());
        String dest = d.copyDestination("claude-bridge-client/").orElseThrow().replaceAll("/$", "");
        assertThat(d.symlink()).contains(List.of(dest + "/bin/claude", "/usr/local/bin/claude"));
        assertThat(d.env("CLAUDE_BRIDGE_SOCKET")).contains(SOCKET_IN_CONTAINER);
    }

    @Test
    void bridgeImageRunsTheDaemonOnJava25WhereComposeExpectsItsSocket() {
        Dockerfile d = Dockerfile.read(DEPLOY.resolve("Dockerfile.bridge"));
        assertThat(d.all("FROM")).singleElement().asString().contains(":25");
        assertThat(d.copyDestination("bin/")).contains("/opt/claude-bridge/bin/");
        assertThat(d.copyDestination("lib/")).contains("/opt/claude-bridge/lib/");
        assertThat(d.all("ENTRYPOINT")).singleElement().asString().contains("\"/opt/claude-bridge/bin/claude-bridge\"");
        String cmd = d.all("CMD").getFirst();
        for (ComposeService bridge : compose().values().stream().filter(s -> s.profiles().contains(BRIDGE_PROFILE)).toList()) {
            assertThat(cmd).contains("\"" + bridge.option("--socket").orElseThrow() + "\"");
        }
    }

    private static Node daemonSet() {
        return Node.loadAll(DEPLOY.resolve("k8s/daemonset.yaml")).stream()
                .filter(n -> n.get("kind").text().equals("DaemonSet")).findFirst().orElseThrow();
    }

    private static Node bridgeContainer() {
        return daemonSet().get("spec").get("template").get("spec").get("containers").list().getFirst();
    }

    private static Node agentPod() {
        return Node.loadAll(DEPLOY.resolve("k8s/agent-pod.yaml")).stream()
                .filter(n -> n.get("kind").text().equals("Pod")).findFirst().orElseThrow();
    }

    private static Map<String, String> env(Node container) {
        return container.get("env").list().stream().collect(Collectors.toMap(e -> e.get("name").text(), e -> e.get("value").text()));
    }

    private static String volumeMountedAt(Node container, String mountPath) {
        return container.get("volumeMounts").list().stream().filter(m -> m.get("mountPath").text().equals(mountPath))
                .findFirst().orElseThrow(() -> new AssertionError(container.path() + " mounts nothing at " + mountPath))
                .get("name").text();
    }

    private static Node volume(Node podSpec, String name) {
        return podSpec.get("volumes").list().stream().filter(v -> v.get("name").text().equals(name)).findFirst()
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
