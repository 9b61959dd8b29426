package dev.claudebridge.daemon.admission;

/** The words of admission's messages. */
final class Words {
    private Words() {}

    /** "1 request", "3 requests". */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
