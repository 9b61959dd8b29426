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
 */
public record ProcessSpec(List<String> command, Map<String, String> env, Path cwd) {
    public ProcessSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        if (command.isEmpty() || !command.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("the program must be an absolute path: " + command);
        }
    }
}
