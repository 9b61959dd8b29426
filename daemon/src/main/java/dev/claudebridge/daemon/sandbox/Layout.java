package dev.claudebridge.daemon.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one sandboxed run sees of the host, besides the system (read-only) that every run sees.
 *
 * @param home the HOME path inside, an empty private directory there
 * @param configDir the caller's own claude configuration directory on the host, mounted at
 *     {@code home/.claude} (its conversations and settings; never a login)
 * @param programs files the command needs, mounted read-only at their own paths (claude's executable)
 * @param readOnly further host paths visible read-only (the profile's {@code read-only})
 * @param writable the request's workspace: its mapped roots, read-write at their own paths
 * @param hidden host paths inside the visible trees that the sandbox must not see (the daemon's own files)
 * @param apiSocket the credential proxy's socket on the host, mounted at {@link Sandbox#API_SOCKET}
 * @param cwd the working directory inside (a path beneath one of {@code writable})
 * @param networkSocket the run's socket of the network proxy on the host, mounted at
 *     {@link Sandbox#NETWORK_SOCKET} and relayed to {@link Sandbox#PROXY_PORT} inside; empty: no network
 * @param managedSettings a copy of the host's managed settings to show at /etc/claude-code instead
 *     ({@link ManagedSettings})
 */
public record Layout(
        Path home,
        Path configDir,
        List<Path> programs,
        List<Path> readOnly,
        List<Path> writable,
        List<Path> hidden,
        Path apiSocket,
        Path cwd,
        Optional<Path> networkSocket,
        Optional<Path> managedSettings) {
    /** Without a managed-settings view: the host's /etc/claude-code as it is. */
    public Layout(
            Path home,
            Path configDir,
            List<Path> programs,
            List<Path> readOnly,
            List<Path> writable,
            List<Path> hidden,
            Path apiSocket,
            Path cwd,
            Optional<Path> networkSocket) {
        this(home, configDir, programs, readOnly, writable, hidden, apiSocket, cwd, networkSocket, Optional.empty());
    }

    public Layout {
        programs = List.copyOf(programs);
        readOnly = List.copyOf(readOnly);
        writable = List.copyOf(writable);
        hidden = List.copyOf(hidden);
    }
}
