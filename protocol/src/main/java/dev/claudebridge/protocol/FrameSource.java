package dev.claudebridge.protocol;

import java.io.IOException;
import java.util.Optional;

/**
 * Where a handshake reads its frames: a {@link FrameReader}, or a reader of the caller's own (the
 * client's direct-buffer reader), so the handshake does not care what carries the bytes.
 */
@FunctionalInterface
public interface FrameSource {
    /** The next whole frame, or empty when the peer closed the stream cleanly between two frames. */
    Optional<Frame> read() throws IOException;
}
