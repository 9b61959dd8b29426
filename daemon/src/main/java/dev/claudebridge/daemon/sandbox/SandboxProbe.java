package dev.claudebridge.daemon.sandbox;

import dev.claudebridge.daemon.exec.NativeHelpers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Whether the sandbox works for the user the daemon runs as: bubblewrap and the session helper are
 * there, and a trial sandbox with every namespace the real one uses starts and runs a program. Its
 * refusal says what to change; a profile that needs the sandbox is never run without it.
 */
public final class SandboxProbe {
    /** System property naming the session helper, for runs outside a build or release tree. */
    public static final String SESSION_PROPERTY = "claudebridge.sessionHelper";

    private SandboxProbe() {}

    /** The parts a sandbox needs, once they are found to work. */
    public record Parts(Path bwrap, Path session) {}

    /** The working parts, or the reason there are none. */
    public static Result check() {
        Optional<Path> bwrap = onPath("bwrap");
        if (bwrap.isEmpty()) {
            return Result.failed("bubblewrap (bwrap) is not installed on the host: install it (Debian and Ubuntu:"
                    + " apt-get install bubblewrap)");
        }
        Optional<Path> session = NativeHelpers.find("claude-bridge-session", SESSION_PROPERTY);
        if (session.isEmpty()) {
            return Result.failed("the session helper claude-bridge-session was not built for this machine (the"
                    + " build needs a C compiler: apt-get install gcc, then build again)");
        }
        List<String> trial = new ArrayList<>(List.of(bwrap.get().toString(), "--unshare-all", "--die-with-parent"));
        for (String d : Bubblewrap.SYSTEM) {
            Path p = Path.of(d);
            if (Files.isSymbolicLink(p) || Files.isDirectory(p)) {
                trial.addAll(List.of("--ro-bind", d, d));
            }
        }
        trial.addAll(List.of(
                "--proc",
                "/proc",
                "--dev",
                "/dev",
                "--ro-bind",
                session.get().toString(),
                Sandbox.SESSION_HELPER,
                "--",
                Sandbox.SESSION_HELPER,
                "true"));
        try {
            Process p = new ProcessBuilder(trial)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Result.failed("a trial sandbox did not finish within 20 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                return Result.failed("a trial sandbox failed (" + (out.isEmpty() ? "exit " + p.exitValue() : out) + ")"
                        + advice(out));
            }
        } catch (IOException e) {
            return Result.failed("cannot run " + bwrap.get() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed("interrupted while trying the sandbox");
        }
        return new Result(Optional.of(new Parts(bwrap.get(), session.get())), Optional.empty());
    }

    /** What to change when user namespaces are what failed. */
    private static String advice(String out) {
        if (!out.contains("namespace") && !out.contains("uid map") && !out.contains("Operation not permitted")) {
            return "";
        }
        return ". The daemon's user must be allowed to create user namespaces: on Debian set the sysctl"
                + " kernel.unprivileged_userns_clone=1; on Ubuntu 23.10 and later AppArmor restricts them"
                + " (kernel.apparmor_restrict_unprivileged_userns=1), so give bwrap an AppArmor profile that"
                + " allows userns (docs/DEPLOY.md shows one) or set that sysctl to 0; in a container, run it with"
                + " a seccomp profile that allows clone/unshare of namespaces";
    }

    private static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (dir.startsWith("/") && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The parts, or why there are none. */
    public record Result(Optional<Parts> parts, Optional<String> problem) {
        static Result failed(String why) {
            return new Result(Optional.empty(), Optional.of(why));
        }
    }
}
