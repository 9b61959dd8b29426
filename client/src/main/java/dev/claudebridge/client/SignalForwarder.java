package dev.claudebridge.client;

import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Signal;
import java.io.IOException;

/**
 * Forwards SIGINT, SIGTERM and SIGHUP to the host process group instead of dying: the caller learns
 * the outcome from the host process's exit, as it would locally. Like the real claude, it does so even
 * when it inherited them ignored (a background job of a script, {@code nohup}); the JVM alone would
 * leave them ignored, so the JNI helper takes the "ignore" back first.
 */
final class SignalForwarder {
    private static final Signal[] FORWARDED = {Signal.INT, Signal.TERM, Signal.HUP};

    private SignalForwarder() {}

    private static native int unignore0(int signal);

    static void install(FrameWriter writer) {
        for (Signal s : FORWARDED) {
            if (NativeLibrary.LOADED) {
                unignore0(s.number()); // on failure the signal stays as inherited, nothing worse
            }
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
