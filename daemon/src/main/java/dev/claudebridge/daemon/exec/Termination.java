package dev.claudebridge.daemon.exec;

/** How a process ended: an exit code, or the number of the signal that killed it. */
public record Termination(boolean signaled, int value) {
    /** Decodes a raw waitpid status (the WIFEXITED/WEXITSTATUS/WTERMSIG macros). */
    static Termination ofWaitStatus(int status) {
        int sig = status & 0x7f;
        return sig == 0 ? new Termination(false, (status >> 8) & 0xff) : new Termination(true, sig);
    }

    @Override
    public String toString() {
        return signaled ? "signal " + value : "exit " + value;
    }
}
