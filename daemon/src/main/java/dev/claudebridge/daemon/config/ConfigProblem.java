package dev.claudebridge.daemon.config;

/**
 * One thing wrong with a configuration file.
 *
 * @param file the file's path as given
 * @param line 1-based line, or 0 when the problem is not at one place
 * @param field the key's dotted path, e.g. {@code profiles.ci.max-running}; "" for the file as a whole
 * @param message what is wrong and what would be right
 */
public record ConfigProblem(String file, int line, String field, String message) {
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
