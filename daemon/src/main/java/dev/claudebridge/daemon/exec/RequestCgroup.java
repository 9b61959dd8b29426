package dev.claudebridge.daemon.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * One request's cgroup (v2): every process of its host tree is in it from before the first exec, and a
 * process cannot leave it without write access to another cgroup, so {@code setsid} and double forks do
 * not hide anything from {@link #kill()}.
 */
final class RequestCgroup {
    private final Path dir;

    RequestCgroup(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** The processes in it now (zombies are not: a process leaves its cgroup as it exits). */
    Set<Long> members() {
        Set<Long> pids = new HashSet<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.strip()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // removed already: nothing is in it
        }
        return pids;
    }

    /** Whether any process is in it. */
    boolean populated() {
        try {
            return Files.readString(dir.resolve("cgroup.events")).contains("populated 1");
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL to every process in it, by the kernel, so none can fork away meanwhile. */
    void kill() {
        try {
            Files.writeString(dir.resolve("cgroup.kill"), "1");
        } catch (IOException e) {
            // removed already: nothing is in it
        }
    }

    /** Waits up to {@code millis} for it to be empty, then removes it; false when it could not be removed. */
    boolean remove(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (populated() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5); // SIGKILL takes effect as each process is next scheduled
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            Files.delete(dir); // rmdir: the kernel refuses while a process is in it
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
