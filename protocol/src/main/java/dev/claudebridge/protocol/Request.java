package dev.claudebridge.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the caller asks the daemon to run. Encoded as a sequence of tagged fields so that later
 * versions can add fields that older daemons skip.
 *
 * <pre>
 * field: +-----+--------+--------+--------+--------+----------------+
 *        | tag |     length (uint32, big-endian)    |  value         |
 *        +-----+--------+--------+--------+--------+----------------+
 * tags:  0x01 ARG (repeated, in order)   0x02 ENV "NAME=VALUE" (repeated)
 *        0x03 CWD                        0x04 TTY: uint16 cols, uint16 rows, TERM
 *        0x05 CLIENT name                  0x06 STDIO: u8 kind of stdin, stdout, stderr
 * </pre>
 *
 * CWD, TTY, CLIENT and STDIO occur at most once: a repeated one is a malformed request, not a
 * silent choice between two values.
 *
 * @param argv the arguments after the program name, verbatim
 * @param env the variables the client offers; the daemon keeps only its allow-list
 * @param cwd the caller's working directory, as the caller sees it
 * @param terminal present when the caller's stdin and stdout are a terminal and it wants a PTY
 * @param clientName a free-form name for logs (container hostname by default)
 * @param stdio what kind of file the caller's stdin, stdout and stderr are ({@link Stdio#UNSAID} when not said)
 */
public record Request(
        List<String> argv,
        Map<String, String> env,
        String cwd,
        Optional<Terminal> terminal,
        String clientName,
        Stdio stdio) {
    static final int ARG = 0x01;
    static final int ENV = 0x02;
    static final int CWD = 0x03;
    static final int TTY = 0x04;
    static final int CLIENT = 0x05;
    static final int STDIO = 0x06;

    /** A request that says nothing of the caller's descriptors (as clients before the STDIO field). */
    public Request(
            List<String> argv, Map<String, String> env, String cwd, Optional<Terminal> terminal, String clientName) {
        this(argv, env, cwd, terminal, clientName, Stdio.UNSAID);
    }

    public Request {
        for (String name : env.keySet()) {
            if (name.isEmpty() || name.indexOf('=') >= 0) {
                throw new IllegalArgumentException(
                        "an environment variable name cannot be empty or contain '=': " + abbreviate(name));
            }
        }
        argv = List.copyOf(argv);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    public Frame toFrame() {
        Payload.Writer w = new Payload.Writer();
        for (String a : argv) {
            field(w, ARG, Payload.utf8(a));
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            field(w, ENV, Payload.utf8(e.getKey() + "=" + e.getValue()));
        }
        field(w, CWD, Payload.utf8(cwd));
        terminal.ifPresent(t -> field(
                w,
                TTY,
                new Payload.Writer()
                        .u16(t.columns())
                        .u16(t.rows())
                        .bytes(Payload.utf8(t.term()))
                        .toByteArray()));
        field(w, CLIENT, Payload.utf8(clientName));
        if (!stdio.equals(Stdio.UNSAID)) {
            field(
                    w,
                    STDIO,
                    stdio.encode()); // left out when unsaid: the request is then byte for byte an older client's
        }
        return new Frame(FrameType.REQUEST, w.toByteArray());
    }

    private static void field(Payload.Writer w, int tag, byte[] value) {
        w.u8(tag).u32(value.length).bytes(value);
    }

    /**
     * Decodes a REQUEST. Strings must be valid UTF-8 without NUL bytes (a C string cannot carry them,
     * so they could only truncate what runs on the host); unknown tags are skipped.
     *
     * @throws CorruptedFrameException on truncation, bad UTF-8, NUL bytes, a missing CWD, or a repeated
     *     singular field
     */
    public static Request fromFrame(Frame frame) {
        if (frame.type() != FrameType.REQUEST) {
            throw new CorruptedFrameException("expected a REQUEST frame, got " + frame.type());
        }
        Payload.Reader r = new Payload.Reader(frame.payload());
        List<String> argv = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        String cwd = null;
        Terminal terminal = null;
        String client = "";
        Stdio stdio = Stdio.UNSAID;
        boolean[] seen = new boolean[STDIO + 1];
        while (!r.atEnd()) {
            int tag = r.u8("field tag");
            long len = r.u32("field length");
            if (len > frame.payload().length) {
                throw new CorruptedFrameException(
                        "field 0x" + Integer.toHexString(tag) + " announces " + len + " bytes, more than its frame");
            }
            if (tag >= CWD && tag <= STDIO) {
                if (seen[tag]) {
                    throw new CorruptedFrameException(
                            "REQUEST repeats its " + SINGULAR_NAMES[tag - CWD] + " field, which may occur only once");
                }
                seen[tag] = true;
            }
            switch (tag) {
                case ARG:
                    argv.add(noNul(r.utf8((int) len, "argument " + argv.size()), "argument " + argv.size()));
                    break;
                case ENV: {
                    String kv = noNul(r.utf8((int) len, "environment entry"), "environment entry");
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new CorruptedFrameException("environment entry without NAME=: " + abbreviate(kv));
                    }
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                    break;
                }
                case CWD:
                    cwd = noNul(r.utf8((int) len, "working directory"), "working directory");
                    break;
                case TTY: {
                    byte[] v = r.bytes((int) len, "terminal field");
                    Payload.Reader t = new Payload.Reader(v);
                    int cols = t.u16("terminal columns");
                    int rows = t.u16("terminal rows");
                    terminal = new Terminal(cols, rows, noNul(t.rest("TERM"), "TERM"));
                    break;
                }
                case CLIENT:
                    client = noNul(r.utf8((int) len, "client name"), "client name");
                    break;
                case STDIO:
                    stdio = Stdio.decode(r.bytes((int) len, "STDIO field"));
                    break;
                default:
                    r.bytes((int) len, "unknown field");
            }
        }
        if (cwd == null) {
            throw new CorruptedFrameException("REQUEST has no working directory");
        }
        return new Request(argv, env, cwd, Optional.ofNullable(terminal), client, stdio);
    }

    private static final String[] SINGULAR_NAMES = {"CWD", "TTY", "CLIENT", "STDIO"};

    private static String noNul(String s, String what) {
        if (s.indexOf('\0') >= 0) {
            throw new CorruptedFrameException(what + " contains a NUL byte");
        }
        return s;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
