package dev.claudebridge.daemon.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A host process tree named so that it can be found again after the daemon that started it is gone:
 * its leader's pid with the leader's start time (clock ticks since boot, from /proc/PID/stat), so a
 * recycled pid is never taken for it, its process group, and the boot it belongs to.
 */
public record TreeIdentity(long pid, long startTime, long pgid, String boot) {
    /** The identity of a running process; empty when it is gone. */
    public static Optional<TreeIdentity> of(long pid) {
        return stat(pid).map(f -> new TreeIdentity(pid, Long.parseLong(f[19]), Long.parseLong(f[2]), bootId()));
    }

    /** Whether this very process still exists (not a later one with the same pid, not after a reboot). */
    public boolean alive() {
        return boot.equals(bootId())
                && stat(pid)
                        .map(f -> Long.parseLong(f[19]) == startTime && f[0].charAt(0) != 'Z')
                        .orElse(false);
    }

    /**
     * Ends what is left of the tree with SIGKILL: its process group, the leader, and the leader's
     * descendants. Only when the leader is still this very process, or (leader gone) for group members
     * that started after it on this boot, so nothing unrelated that now has a recycled pid is touched.
     *
     * @return how many processes were signalled
     */
    public int end() {
        if (!boot.equals(bootId())) {
            return 0; // a reboot ended it
        }
        Set<Long> victims = new HashSet<>();
        if (alive()) {
            victims.add(pid);
            ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> victims.add(d.pid())));
        }
        for (long m : ProcStat.groupMembers(pgid)) {
            // a pgid is a pid: once the leader is gone it can be reused only by a process started later
            if (stat(m).map(f -> Long.parseLong(f[19]) >= startTime).orElse(false)) {
                victims.add(m);
            }
        }
        victims.forEach(v -> Posix.kill(v.intValue(), Posix.SIGKILL));
        return victims.size();
    }

    /** One line: pid, start time, pgid, boot id. */
    public String line() {
        return pid + " " + startTime + " " + pgid + " " + boot;
    }

    /** Reads {@link #line()}; empty for anything else. */
    public static Optional<TreeIdentity> parse(String line) {
        String[] f = line.strip().split(" ");
        try {
            return f.length == 4
                    ? Optional.of(
                            new TreeIdentity(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), f[3]))
                    : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** This boot's id, read once: no process outlives the boot it started in. */
    private static final class Boot {
        static final String ID = read();

        private static String read() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/random/boot_id"))
                        .strip();
            } catch (IOException e) {
                return "unknown";
            }
        }
    }

    static String bootId() {
        return Boot.ID;
    }

    /** The fields of /proc/PID/stat after "(comm)": [0] state, [1] ppid, [2] pgrp, ... [19] starttime. */
    private static Optional<String[]> stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return f.length > 19 ? Optional.of(f) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
