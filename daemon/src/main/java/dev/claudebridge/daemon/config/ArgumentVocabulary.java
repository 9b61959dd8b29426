package dev.claudebridge.daemon.config;

import java.util.Locale;

/**
 * What {@code allow-args} and {@code allow-subcommands} entries may name, and their canonical form.
 * The argument policy knows the vocabulary; the loader is handed it, so configuration depends on no
 * other package. Without one, entries are only put in canonical form.
 */
public interface ArgumentVocabulary {
    /**
     * An {@code allow-args} entry in canonical form ({@code --permission-mode acceptEdits} is
     * {@code --permission-mode=acceptEdits}).
     *
     * @throws IllegalArgumentException saying why it cannot be allowed
     */
    String option(String entry);

    /**
     * An {@code allow-subcommands} entry in canonical form ({@code mcp  list} is {@code mcp list}).
     *
     * @throws IllegalArgumentException saying why it cannot be allowed
     */
    String subcommand(String entry);

    /** Canonical form only, no check. */
    ArgumentVocabulary SYNTAX_ONLY = new ArgumentVocabulary() {
        @Override
        public String option(String entry) {
            return canonicalOption(entry);
        }

        @Override
        public String subcommand(String entry) {
            return canonicalSubcommand(entry);
        }
    };

    static String canonicalOption(String entry) {
        return entry.strip().replaceFirst("\\s+", "=");
    }

    static String canonicalSubcommand(String entry) {
        return String.join(" ", entry.strip().toLowerCase(Locale.ROOT).split("\\s+"));
    }
}
