package dev.claudebridge.protocol;

import java.nio.charset.StandardCharsets;

/** Hand-made REQUEST payloads, for the malformed ones the encoder would never produce. */
final class RequestPayloads {
    private RequestPayloads() {}

    static byte[] field(int tag, byte[] value) {
        return Bytes.concat(Bytes.header(tag, value.length), value);
    }

    static byte[] field(int tag, String value) {
        return field(tag, value.getBytes(StandardCharsets.UTF_8));
    }

    static Frame request(byte[]... fields) {
        return new Frame(FrameType.REQUEST, Bytes.concat(fields));
    }
}
