package dev.claudebridge.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reading and writing the fields inside a payload: big-endian integers and strict UTF-8 strings. */
final class Payload {
    private Payload() {}

    /** Decodes UTF-8 strictly: a malformed sequence is an error, never a replacement character. */
    static String utf8(byte[] b, int off, int len, String what) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, off, len));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new CorruptedFrameException(what + " is not valid UTF-8", e);
        }
    }

    /** Refuses a frame of another type than the message being decoded. */
    static void expect(Frame frame, FrameType type) {
        if (frame.type() != type) {
            throw new CorruptedFrameException("expected a " + type + " frame, got " + frame.type());
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A cursor over one payload; running past its end is a corrupted frame. */
    static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        int u8(String what) {
            need(1, what);
            return b[pos++] & 0xff;
        }

        int u16(String what) {
            need(2, what);
            int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        long u32(String what) {
            need(4, what);
            long v = ((b[pos] & 0xffL) << 24)
                    | ((b[pos + 1] & 0xff) << 16)
                    | ((b[pos + 2] & 0xff) << 8)
                    | (b[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        int i32(String what) {
            return (int) u32(what);
        }

        byte[] bytes(int len, String what) {
            need(len, what);
            byte[] out = new byte[len];
            System.arraycopy(b, pos, out, 0, len);
            pos += len;
            return out;
        }

        String utf8(int len, String what) {
            need(len, what);
            String s = Payload.utf8(b, pos, len, what);
            pos += len;
            return s;
        }

        String rest(String what) {
            return utf8(b.length - pos, what);
        }

        boolean atEnd() {
            return pos == b.length;
        }

        private void need(int n, String what) {
            if (n < 0 || b.length - pos < n) {
                throw new CorruptedFrameException("payload ends before its " + what);
            }
        }
    }

    /** Builds one payload. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer u8(int v) {
            out.write(v);
            return this;
        }

        Writer u16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Writer u32(long v) {
            out.write((int) (v >>> 24));
            out.write((int) (v >>> 16));
            out.write((int) (v >>> 8));
            out.write((int) v);
            return this;
        }

        Writer bytes(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
