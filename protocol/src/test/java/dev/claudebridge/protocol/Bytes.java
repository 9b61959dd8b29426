package dev.claudebridge.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;

/** Byte helpers for tests: frames to wire bytes, hand-made headers, hex. */
final class Bytes {
    private Bytes() {}

    /** The frames as the reference writer puts them on the wire, back to back. */
    static byte[] encode(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(out);
        try {
            for (Frame f : frames) {
                writer.write(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] encode(Frame... frames) {
        return encode(List.of(frames));
    }

    /** A frame header written by hand, so that tests can announce lengths the writer would refuse. */
    static byte[] header(int typeCode, long length) {
        return new byte[] {
            (byte) typeCode, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length
        };
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Hex pairs separated by any whitespace, e.g. {@code "00 ff\n0a"}. */
    static byte[] fromHex(String hex) {
        String compact = hex.strip().replaceAll("\\s+", "");
        if (!hex.isBlank() && !hex.strip().matches("(?s)[0-9a-fA-F]{2}(\\s+[0-9a-fA-F]{2})*")) {
            throw new IllegalArgumentException("not hex pairs separated by whitespace: " + hex);
        }
        return HexFormat.of().parseHex(compact);
    }

    /** Lower-case hex pairs separated by single spaces. */
    static String toHex(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }
}
