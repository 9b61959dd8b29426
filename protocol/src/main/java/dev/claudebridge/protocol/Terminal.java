package dev.claudebridge.protocol;

/** The caller's terminal, when it has one: window size and {@code TERM}. */
public record Terminal(int columns, int rows, String term) {
    public Terminal {
        if (columns < 0 || columns > 0xffff || rows < 0 || rows > 0xffff) {
            throw new IllegalArgumentException("terminal size out of range: " + columns + "x" + rows);
        }
    }
}
