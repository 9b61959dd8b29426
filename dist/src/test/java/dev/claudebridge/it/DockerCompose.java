package dev.claudebridge.it;

import static dev.claudebridge.it.DockerEnv.check;
import static dev.claudebridge.it.DockerEnv.docker;
import static dev.claudebridge.it.DockerEnv.run;

import dev.claudebridge.it.DockerEnv.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One docker-compose 1.29 project of deploy/docker-compose.yml (and any override files), run as the
 * docs say: from the release's deploy/, with its variables in the environment. Its name is unique per
 * test run, so runs never meet; {@link #down()} and {@link #leftovers()} are what a user would see.
 */
final class DockerCompose {
    final String name;
    private final Path dir;
    private final List<String> files;
    private final Map<String, String> env;

    DockerCompose(String name, Path dir, List<String> files, Map<String, String> env) {
        this.name = name;
        this.dir = dir;
        this.files = List.copyOf(files);
        Map<String, String> e = new HashMap<>(env);
        e.put("PATH", DockerEnv.PATH);
        e.putIfAbsent("COMPOSE_PROJECT_NAME", name);
        this.env = Map.copyOf(e);
    }

    private List<String> cmd(String... args) {
        List<String> cmd = new ArrayList<>(List.of(DockerEnv.COMPOSE, "--ansi", "never", "-p", name));
        files.forEach(f -> cmd.addAll(List.of("-f", f)));
        cmd.addAll(List.of(args));
        return cmd;
    }

    Result compose(int timeoutSeconds, String... args) {
        return run(cmd(args), env, dir, null, timeoutSeconds);
    }

    /** The command line of `docker-compose exec` for a terminal (tmux runs it). */
    List<String> execCommandLine(String service, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", service));
        args.addAll(List.of(command));
        return cmd(args.toArray(String[]::new));
    }

    Map<String, String> env() {
        return env;
    }

    /** `docker-compose exec -T SERVICE COMMAND`, as the docs show it (a Python start of a few seconds per call). */
    Result composeExec(String service, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", "-T", service));
        args.addAll(List.of(command));
        return run(cmd(args.toArray(String[]::new)), env, dir, null, 300);
    }

    /**
     * The same through `docker exec -i` on the service's container, which is what compose's exec runs
     * underneath, without compose's own start-up: with stdin (or none), -e variables and a working directory.
     */
    Result exec(String service, byte[] stdin, Map<String, String> vars, String workdir, String... command) {
        List<String> args = new ArrayList<>(List.of(DockerEnv.DOCKER, "exec", "-i"));
        vars.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
        if (workdir != null) {
            args.addAll(List.of("-w", workdir));
        }
        args.add(container(service));
        args.addAll(List.of(command));
        return run(args, env, dir, stdin, 300);
    }

    Result exec(String service, String... command) {
        return exec(service, null, Map.of(), null, command);
    }

    private final Map<String, String> containers = new java.util.concurrent.ConcurrentHashMap<>();

    /** The service's container id (it stays the same while the project is up: nothing here restarts an agent). */
    String container(String service) {
        return containers.computeIfAbsent(
                service, s -> check(compose(60, "ps", "-q", s)).out().strip());
    }

    /** The working directory compose runs in. */
    Path dir() {
        return dir;
    }

    String inspect(String service, String format) {
        return check(run(docker("inspect", "-f", format, container(service)), Map.of(), null, null, 60))
                .out()
                .strip();
    }

    Result down() {
        return compose(300, "down", "--volumes", "--remove-orphans", "--timeout", "60");
    }

    /** Containers, networks and volumes of this project that still exist, as `docker ... ls` names them. */
    List<String> leftovers() {
        String label = "label=com.docker.compose.project=" + name;
        List<String> left = new ArrayList<>();
        for (List<String> ls : List.of(
                docker("ps", "-a", "--filter", label, "--format", "container {{.Names}}"),
                docker("network", "ls", "--filter", label, "--format", "network {{.Name}}"),
                docker("volume", "ls", "--filter", label, "--format", "volume {{.Name}}"))) {
            check(run(ls, Map.of(), null, null, 60))
                    .out()
                    .lines()
                    .filter(l -> !l.isBlank())
                    .forEach(left::add);
        }
        return left;
    }
}
