package dev.claudebridge.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway "container" made with a private mount namespace ({@code unshare --mount}): its root is a
 * tmpfs holding the host's /usr and /etc read-only with an empty tmpfs over /usr/lib/jvm, so no Java is
 * left, plus the bind mounts a container runtime would make. Everything is unmounted when the namespace's
 * last process exits; on the host the root stays an empty directory. Needs root.
 */
final class NamespaceContainer {
    private static final String SCRIPT = """
            #!/bin/sh
            set -eu
            PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
            root=$1 client=$2 install=$3 target=$4 link=$5 socket=$6 socket_in=$7 workspace=$8; shift 8
            cwd=$1 probe=$2
            shift 2
            mount -t tmpfs -o mode=0755 container-root "$root"
            for d in usr etc; do
              mkdir "$root/$d"
              mount --rbind "/$d" "$root/$d"
              mount -o remount,bind,ro "$root/$d"
            done
            for d in bin sbin lib lib64; do   # merged /usr keeps these as symlinks
              if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$root/$d"
              elif [ -d "/$d" ]; then mkdir "$root/$d"; mount --rbind "/$d" "$root/$d"; fi
            done
            mkdir -p "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/root" "$root/workspace"
            mount --rbind /dev "$root/dev"
            mount --rbind /proc "$root/proc"
            mount --rbind /sys "$root/sys"
            mount -t tmpfs tmpfs "$root/tmp"
            # no Java in this container
            if [ -d "$root/usr/lib/jvm" ]; then mount -t tmpfs -o mode=0755 no-java "$root/usr/lib/jvm"; fi
            # what Dockerfile.agent does: COPY the client, ln -s it onto PATH
            mkdir -p "$root$install"
            mount --bind "$client" "$root$install"
            mount -t tmpfs tmpfs "$root${link%/*}"
            ln -s "$target" "$root$link"
            # what docker run -v does: the bridge socket and the workspace
            mkdir -p "$root${socket_in%/*}"
            touch "$root$socket_in"
            mount --bind "$socket" "$root$socket_in"
            mount --bind "$workspace" "$root/workspace"
            exec chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root \\
              CLAUDE_BRIDGE_SOCKET="$socket_in" /bin/sh -c '
                probe=$1 cwd=$2; shift 2
                {
                  printf "jvm=[%s]\\n" "$(ls -A /usr/lib/jvm 2>/dev/null | tr "\\n" " ")"
                  java -version >/dev/null 2>&1 && echo java-exit=0 || echo java-exit=$?
                  echo "claude=$(command -v claude)"
                } > "$probe"
                cd "$cwd"
                exec claude "$@"' sh "$probe" "$cwd" "$@"
            """;

    private NamespaceContainer() {}

    /** Whether this machine lets us make a mount namespace (root, unshare present, not forbidden). */
    static Proc.Result probe() {
        return Proc.of(
                        "unshare",
                        "--mount",
                        "--propagation",
                        "private",
                        "--fork",
                        "/bin/sh",
                        "-c",
                        "mount -t tmpfs probe /mnt && umount /mnt")
                .run(Duration.ofSeconds(20));
    }

    /** The settings of one run; paths inside the container are absolute container paths. */
    /** {@code target}: what the image links {@code link} to (the native client, inside {@code installDir}). */
    record Setup(
            Path clientDir,
            String installDir,
            String target,
            String link,
            Path socket,
            String socketInside,
            Path workspace) {}

    /**
     * Runs {@code claude args...} in the container from {@code cwd}, and writes what the container sees
     * (its /usr/lib/jvm, whether java runs, which claude is on PATH) to {@code probe}, a container path.
     */
    static Proc.Result runClaude(Path scratch, Setup s, String cwd, String probe, String... args) {
        try {
            Path script = scratch.resolve("container.sh");
            Files.writeString(script, SCRIPT);
            Path root = Files.createDirectories(scratch.resolve("root"));
            List<String> cmd = new ArrayList<>(List.of(
                    "unshare",
                    "--mount",
                    "--propagation",
                    "private",
                    "--fork",
                    "/bin/sh",
                    script.toString(),
                    root.toString(),
                    s.clientDir().toString(),
                    s.installDir(),
                    s.target(),
                    s.link(),
                    s.socket().toString(),
                    s.socketInside(),
                    s.workspace().toString(),
                    cwd,
                    probe));
            cmd.addAll(List.of(args));
            return Proc.of(cmd).run(Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
