package dev.claudebridge.daemon.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What Linux says about a process in /proc. Tests use it to look at processes they did not start
 * directly (grandchildren), for which the JDK offers no exit event.
 */
final class ProcFs {
    private ProcFs() {}

    /** Fields of /proc/PID/stat after the command name: state, ppid, pgrp, session, tty. */
    record Stat(char state, long ppid, long pgrp, long session, int ttyNr) {
        boolean zombie() {
            return state == 'Z' || state == 'X';
        }
    }

    static Optional<Stat> stat(long pid) {
        String s;
        try {
            s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("reading /proc/" + pid + "/stat", e);
        }
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Optional.of(new Stat(
                f[0].charAt(0),
                Long.parseLong(f[1]),
                Long.parseLong(f[2]),
                Long.parseLong(f[3]),
                Integer.parseInt(f[4])));
    }

    /**
     * Whether the process still runs. A zombie counts as dead: where PID 1 does not reap orphans (as in
     * many containers) a killed grandchild stays a zombie for good.
     */
    static boolean running(long pid) {
        return stat(pid).map(st -> !st.zombie()).orElse(false);
    }

    /** Waits until the process no longer runs; false if it still runs at the deadline. */
    static boolean awaitDead(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10); // no exit event exists for a process that is not our child
        }
        return true;
    }

    /**
     * Waits until the process sleeps in nanosleep (as {@code sleep} does once it has started): before
     * that, its dynamic loader may hold a library open for a moment, so its descriptors are not yet
     * the program's own. False if it does not get there by the deadline.
     */
    static boolean awaitInNanosleep(long pid, Duration timeout) throws InterruptedException {
        // syscall numbers of nanosleep and clock_nanosleep
        java.util.Set<String> sleeps = System.getProperty("os.arch").equals("aarch64")
                ? java.util.Set.of("101", "115")
                : java.util.Set.of("35", "230");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String call =
                        Files.readString(Path.of("/proc/" + pid + "/syscall")).trim();
                if (sleeps.contains(call.split(" ")[0])) {
                    return true;
                }
            } catch (IOException e) {
                return false; // gone
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** Whether the process ignores a signal (the SigIgn mask of /proc/PID/status). */
    static boolean ignores(long pid, int signal) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                return (mask & (1L << (signal - 1))) != 0;
            }
        }
        throw new IllegalStateException("no SigIgn in /proc/" + pid + "/status");
    }
}
