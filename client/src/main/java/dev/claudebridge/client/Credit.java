package dev.claudebridge.client;

/** The STDIN bytes the daemon has allowed and not yet been sent: the stdin pump waits on it. */
final class Credit {
    private long available;

    synchronized void grant(long bytes) {
        available += bytes;
        notifyAll();
    }

    /** Waits for some credit and takes up to {@code wanted} bytes of it. */
    synchronized int take(int wanted) throws InterruptedException {
        while (available == 0) {
            wait();
        }
        int n = (int) Math.min(wanted, available);
        available -= n;
        return n;
    }
}
