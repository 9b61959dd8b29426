package dev.claudebridge.daemon.exec;

import java.nio.file.Path;
import java.util.List;

/**
 * How to run the host's claude: the executable it was found as, and the command prefix that runs it
 * (the binary itself, or {@code node} and the script for a JavaScript install).
 */
public record ClaudeCommand(Path foundAt, List<String> prefix) {
    public ClaudeCommand {
        prefix = List.copyOf(prefix);
    }
}
