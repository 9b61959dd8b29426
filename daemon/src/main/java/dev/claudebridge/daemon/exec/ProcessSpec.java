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
 */
public record ProcessSpec(
        List<String> command,
        Map<String, String> env,
        Path cwd,
        StdioTarget stdin,
        StdioTarget stdout,
        StdioTarget stderr) {
    /** A process with pipes (or its terminal) as descriptors 0, 1 and 2. */
    public ProcessSpec(List<String> command, Map<String, String> env, Path cwd) {
        this(command, env, cwd, StdioTarget.DEFAULT, StdioTarget.DEFAULT, StdioTarget.DEFAULT);
    }

    /** This process with other standard descriptors. */
    public ProcessSpec withStdio(StdioTarget in, StdioTarget out, StdioTarget err) {
        return new ProcessSpec(command, env, cwd, in, out, err);
    }

    /** This process with one more (or another) environment variable. */
    public ProcessSpec withEnv(String name, String value) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put(name, value);
        return new ProcessSpec(command, e, cwd, stdin, stdout, stderr);
    }

    public ProcessSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        if (command.isEmpty() || !command.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("the program must be an absolute path: " + command);
        }
    }
}
