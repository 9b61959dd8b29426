package dev.claudebridge.client;

import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Signal;
import java.io.IOException;

/**
 * Forwards SIGINT, SIGTERM and SIGHUP to the host process group instead of dying: the caller learns
 * the outcome from the host process's exit, as it would locally.
 */
final class SignalForwarder {
    private SignalForwarder() {
    }

    static void install(FrameWriter writer) {
        for (Signal s : new Signal[] {Signal.INT, Signal.TERM, Signal.HUP}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(s.name()), sig -> {
                    try {
                        writer.write(s.toFrame());
                    } catch (IOException e) {
                        // connection gone: the main thread is about to report it and exit
                    }
                });
            } catch (IllegalArgumentException e) {
                // the JVM reserves this signal (e.g. under -Xrs): leave its default action
            }
        }
    }
}
