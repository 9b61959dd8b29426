package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.exec.ProcessSpec;
import dev.claudebridge.daemon.exec.ProcessTree;
import dev.claudebridge.daemon.exec.WorkingDirectory;
import dev.claudebridge.protocol.Request;

/**
 * Starts a request's process: the seam between the session engine and the host. The plan has already
 * said what runs (confined by the sandbox or not); the launcher says how it is started: {@link
 * HostStdio} on the host, with pipes or a terminal as the caller has them, the engine's tests with a
 * process of their own.
 */
@FunctionalInterface
interface Launcher {
    /**
     * @param dir the working directory, already open (spec.cwd() is not used)
     * @throws dev.claudebridge.daemon.exec.SpawnException when it cannot be started
     */
    ProcessTree launch(ProcessSpec spec, Request request, WorkingDirectory dir);

    /** The host's: {@link HostStdio#start}. */
    Launcher HOST = HostStdio::start;
}
