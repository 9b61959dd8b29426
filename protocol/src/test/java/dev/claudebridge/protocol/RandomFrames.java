package dev.claudebridge.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random frames of random types, with payloads from empty up to exactly the type's limit. */
final class RandomFrames {
    private static final FrameType[] TYPES = FrameType.values();

    private RandomFrames() {}

    static Frame frame(SplittableRandom r) {
        FrameType type = TYPES[r.nextInt(TYPES.length)];
        int limit = Frame.maxPayload(type);
        int length;
        switch (r.nextInt(5)) {
            case 0:
                length = 0;
                break;
            case 1:
                length = r.nextInt(1, 17);
                break;
            case 2:
                length = r.nextInt(0, Math.min(limit, 4096) + 1);
                break;
            case 3:
                length = limit;
                break;
            default:
                length = r.nextInt(0, limit + 1);
        }
        byte[] payload = new byte[length];
        r.nextBytes(payload);
        return new Frame(type, payload);
    }

    /** Frames until their payloads would pass {@code budget} bytes (at least one frame, at most 200). */
    static List<Frame> sequence(SplittableRandom r, long budget) {
        List<Frame> frames = new ArrayList<>();
        long total = 0;
        while (frames.size() < 200) {
            Frame f = frame(r);
            if (!frames.isEmpty() && total + f.payload().length > budget) {
                break;
            }
            frames.add(f);
            total += f.payload().length;
        }
        return frames;
    }
}
