package dev.claudebridge.daemon.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Liveness from /proc. A killed process stays a zombie until its parent reaps it, and an orphan's new
 * parent (init, or a container's PID 1 that never reaps) may take its time: kill(pid, 0) still succeeds
 * for zombies, so "still running" must be read from the process state instead.
 */
final class ProcStat {
    private ProcStat() {}

    /** Whether the process exists and is not a zombie. */
    static boolean running(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        return stat != null && state(stat) != 'Z' && state(stat) != 'X';
    }

    /** Whether any live (non-zombie) process belongs to the process group. */
    static boolean groupRunning(long pgid) {
        return Posix.kill((int) -pgid, 0) && !groupMembers(pgid).isEmpty();
    }

    /** The live (non-zombie) processes of a process group, from one scan of /proc. */
    static Set<Long> groupMembers(long pgid) {
        Set<Long> members = new HashSet<>();
        if (!Posix.groupExists((int) pgid)) {
            return members; // the kernel knows the group is empty: no scan of every process on the host
        }
        forEachLive((pid, stat) -> {
            if (pgrp(stat) == pgid) {
                members.add(pid);
            }
        });
        return members;
    }

    /** The live (non-zombie) children of a process that lead their own process group, from one scan of /proc. */
    static List<Long> groupLeadingChildren(long ppid) {
        List<Long> out = new ArrayList<>();
        forEachLive((pid, stat) -> {
            if (field(stat, 1) == ppid && field(stat, 2) == pid) {
                out.add(pid);
            }
        });
        return out;
    }

    /** The live (non-zombie) children of a process, from one scan of /proc. */
    static List<Long> children(long ppid) {
        List<Long> out = new ArrayList<>();
        forEachLive((pid, stat) -> {
            if (field(stat, 1) == ppid) {
                out.add(pid);
            }
        });
        return out;
    }

    private static void forEachLive(java.util.function.BiConsumer<Long, String> action) {
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(
                Path.of("/proc"), p -> isNumber(p.getFileName().toString()))) {
            for (Path p : procs) {
                String stat = read(p.resolve("stat"));
                if (stat != null && state(stat) != 'Z' && state(stat) != 'X') {
                    action.accept(Long.parseLong(p.getFileName().toString()), stat);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing found
        }
    }

    // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses
    private static char state(String stat) {
        int i = stat.lastIndexOf(')');
        return i + 2 < stat.length() ? stat.charAt(i + 2) : 'X';
    }

    private static long pgrp(String stat) {
        return field(stat, 2);
    }

    /** Field {@code i} after the command name: 0 state, 1 ppid, 2 pgrp. */
    private static long field(String stat, int i) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return f.length > i ? Long.parseLong(f[i]) : -1;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
