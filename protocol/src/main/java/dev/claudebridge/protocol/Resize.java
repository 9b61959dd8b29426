package dev.claudebridge.protocol;

/** A RESIZE frame: the caller's terminal now has this many columns and rows (two uint16). */
public record Resize(int columns, int rows) {
    public Resize {
        new Terminal(columns, rows, ""); // same range check as a terminal's size
    }

    public Frame toFrame() {
        return new Frame(
                FrameType.RESIZE, new Payload.Writer().u16(columns).u16(rows).toByteArray());
    }

    public static Resize fromFrame(Frame frame) {
        Payload.expect(frame, FrameType.RESIZE);
        Payload.Reader r = new Payload.Reader(frame.payload());
        return new Resize(r.u16("columns"), r.u16("rows"));
    }
}
