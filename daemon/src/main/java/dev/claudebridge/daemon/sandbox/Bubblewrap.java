package dev.claudebridge.daemon.sandbox;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bubblewrap command line for one sandboxed run. Every namespace is new (user, mount, PID, network,
 * IPC, UTS, cgroup): the network has only a loopback device, so claude reaches the API through the
 * daemon's credential proxy on a mounted socket, and the tools reach what the profile allows through
 * the network proxy's socket, relayed to a loopback port by the session helper; the PID namespace ends every process
 * of the run with it. Mounts go from the general to the particular, since a later mount covers an
 * earlier one: the system read-only with its secrets masked, private /tmp, /run and HOME, then the
 * programs, the profile's read-only paths and the workspace read-write.
 */
final class Bubblewrap {
    /** Top-level system directories shown read-only (a symbolic link such as /bin -> usr/bin stays one). */
    static final List<String> SYSTEM = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc");

    /** Files in /etc that hold secrets of the host; replaced by an empty file. */
    static final List<String> SECRET_FILES = List.of(
            "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers", "/etc/security/opasswd");

    /** Directories in /etc that hold secrets of the host (private keys, the bridge's own configuration); emptied. */
    static final List<String> SECRET_DIRS = List.of(
            "/etc/ssh",
            "/etc/ssl/private",
            "/etc/sudoers.d",
            "/etc/claude-bridge",
            "/etc/credstore",
            "/etc/credstore.encrypted");

    private Bubblewrap() {}

    /**
     * @param bwrap the bubblewrap executable
     * @param session the session helper on the host (mounted at {@link Sandbox#SESSION_HELPER})
     * @param command the program and its arguments, as run inside
     */
    static List<String> command(Path bwrap, Path session, Layout layout, List<String> command) {
        List<String> a = new ArrayList<>(
                List.of(bwrap.toString(), "--unshare-all", "--die-with-parent", "--proc", "/proc", "--dev", "/dev"));
        for (String d : SYSTEM) {
            Path p = Path.of(d);
            if (Files.isSymbolicLink(p)) {
                a.addAll(List.of("--symlink", readLink(p), d));
            } else if (Files.isDirectory(p)) {
                a.addAll(List.of("--ro-bind", d, d));
            }
        }
        for (String f : SECRET_FILES) {
            if (Files.exists(Path.of(f), LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--ro-bind", "/dev/null", f));
            }
        }
        for (String d : SECRET_DIRS) {
            if (Files.isDirectory(Path.of(d), LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--tmpfs", d, "--remount-ro", d));
            }
        }
        layout.managedSettings()
                .ifPresent(m -> a.addAll(List.of("--ro-bind", m.toString(), ManagedSettings.DIR.toString())));
        a.addAll(List.of("--tmpfs", "/tmp", "--tmpfs", "/var/tmp", "--tmpfs", "/run"));
        a.addAll(List.of("--perms", "0700", "--tmpfs", layout.home().toString()));
        a.addAll(List.of(
                "--bind",
                layout.configDir().toString(),
                layout.home().resolve(".claude").toString()));
        // claude registers each running session as sessions/PID.json, and every sandboxed claude has the same
        // PID: concurrent runs of one caller would overwrite each other's, so each run keeps its own
        a.addAll(List.of("--tmpfs", layout.home().resolve(".claude/sessions").toString()));
        // a daemon file above something the run must see is masked before that is mounted again, the rest after
        List<Path> shown = new ArrayList<>(layout.programs());
        shown.addAll(layout.readOnly());
        shown.addAll(layout.writable());
        List<Path> above = layout.hidden().stream()
                .filter(h -> shown.stream().anyMatch(s -> s.startsWith(h)))
                .toList();
        for (Path h : above) {
            a.addAll(
                    Files.isDirectory(h, LinkOption.NOFOLLOW_LINKS)
                            ? List.of("--tmpfs", h.toString())
                            : List.of("--ro-bind", "/dev/null", h.toString()));
        }
        for (Path p : layout.programs()) {
            a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
        }
        for (Path p : layout.readOnly()) {
            a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
        }
        for (Path p : layout.writable()) {
            a.addAll(List.of("--bind", p.toString(), p.toString()));
        }
        mask(a, layout.hidden().stream().filter(h -> !above.contains(h)).toList());
        for (Path h : above) { // read-only only now: what is mounted beneath it needed its mount points made
            if (Files.isDirectory(h, LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--remount-ro", h.toString()));
            }
        }
        a.addAll(List.of("--ro-bind", layout.apiSocket().toString(), Sandbox.API_SOCKET));
        a.addAll(List.of("--ro-bind", session.toString(), Sandbox.SESSION_HELPER));
        layout.networkSocket().ifPresent(s -> a.addAll(List.of("--ro-bind", s.toString(), Sandbox.NETWORK_SOCKET)));
        a.addAll(List.of("--chdir", layout.cwd().toString(), "--", Sandbox.SESSION_HELPER));
        if (layout.networkSocket().isPresent()) {
            a.add("--relay=" + Sandbox.PROXY_PORT + ":" + Sandbox.NETWORK_SOCKET);
        }
        a.addAll(command);
        return a;
    }

    /** An empty read-only directory over each directory, the null device over each file. */
    private static void mask(List<String> a, List<Path> paths) {
        for (Path p : paths) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--tmpfs", p.toString(), "--remount-ro", p.toString()));
            } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--ro-bind", "/dev/null", p.toString()));
            }
        }
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
