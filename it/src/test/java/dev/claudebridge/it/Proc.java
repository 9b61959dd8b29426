package dev.claudebridge.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process liveness as a user would judge it: present in /proc and not a zombie. */
final class Proc {
    private Proc() {}

    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
