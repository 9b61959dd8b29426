package dev.claudebridge.daemon.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to start one host process.
 *
 * @param command the program (an absolute path) followed by its arguments
 * @param env the complete environment of the process
 * @param cwd its working directory
 * @param stdin what it gets as descriptor 0
 * @param stdout what it gets as descriptor 1
 * @param stderr what it gets as descriptor 2
 * @param innerSession whether the program starts the real one in a session of its own (the sandbox
 *     does): its terminal is then handed over without becoming the started program's controlling
 *     terminal, and signals for the process go to that inner session rather than to the started
 *     program's group (bubblewrap would die of them and lose the exit status)
 */
public record ProcessSpec(
        List<String> command,
        Map<String, String> env,
        Path cwd,
        StdioTarget stdin,
        StdioTarget stdout,
        StdioTarget stderr,
        boolean innerSession) {
    /** A process with pipes (or its terminal) as descriptors 0, 1 and 2. */
    public ProcessSpec(List<String> command, Map<String, String> env, Path cwd) {
        this(command, env, cwd, StdioTarget.DEFAULT, StdioTarget.DEFAULT, StdioTarget.DEFAULT, false);
    }

    /** This process with other standard descriptors. */
    public ProcessSpec withStdio(StdioTarget in, StdioTarget out, StdioTarget err) {
        return new ProcessSpec(command, env, cwd, in, out, err, innerSession);
    }

    /** This process with one more (or another) environment variable. */
    public ProcessSpec withEnv(String name, String value) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put(name, value);
        return new ProcessSpec(command, e, cwd, stdin, stdout, stderr, innerSession);
    }

    /** Another program and environment, run as an inner session (see {@link #innerSession()}). */
    public ProcessSpec asInnerSession(List<String> command, Map<String, String> env) {
        return new ProcessSpec(command, env, cwd, stdin, stdout, stderr, true);
    }

    public ProcessSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        if (command.isEmpty() || !command.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("the program must be an absolute path: " + command);
        }
    }
}
