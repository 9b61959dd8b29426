package dev.claudebridge.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code frame} blocks of the protocol document: {@code key: value} lines describing a decoded
 * frame. Parses them, describes a decoded frame the same way, and builds the frame a description means.
 */
final class FrameDescription {
    private static final Set<String> STRINGS =
            Set.of("software", "token", "arg", "env", "cwd", "tty.term", "client", "text", "code", "message");
    private static final Set<String> NAMES = Set.of("type", "signal", "kind", "stdio.in", "stdio.out", "stdio.err");
    private static final Set<String> NUMBERS = Set.of(
            "version",
            "credit",
            "tty.columns",
            "tty.rows",
            "number",
            "columns",
            "rows",
            "position",
            "length",
            "value",
            "status");
    private static final Pattern LINE = Pattern.compile("([a-z.]+): (.*)");

    /** One line, its value in canonical form: unquoted string, decimal number, name, or lower-case spaced hex. */
    record Field(String key, String value) {}

    private FrameDescription() {}

    static List<Field> parse(String block) {
        List<Field> fields = new ArrayList<>();
        for (String line : block.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a 'key: value' line: " + line);
            }
            fields.add(new Field(m.group(1), canonical(m.group(1), m.group(2))));
        }
        return fields;
    }

    private static String canonical(String key, String value) {
        if (STRINGS.contains(key)) {
            return unquote(value);
        } else if (NAMES.contains(key) && value.matches("[A-Za-z_]+")) {
            return value;
        } else if (NUMBERS.contains(key) && value.matches("-?[0-9]+")) {
            return Long.toString(Long.parseLong(value));
        } else if (key.equals("data")) {
            return Bytes.toHex(Bytes.fromHex(value));
        }
        throw new IllegalArgumentException("unknown key or malformed value: " + key + ": " + value);
    }

    /** A double-quoted string with JSON escapes. */
    static String unquote(String quoted) {
        if (quoted.length() < 2 || !quoted.startsWith("\"") || !quoted.endsWith("\"")) {
            throw new IllegalArgumentException("a string value must be in double quotes: " + quoted);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '"') {
                throw new IllegalArgumentException("unescaped quote inside " + quoted);
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = quoted.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '"', '\\', '/' -> out.append(e);
                case 'u' -> {
                    out.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " in " + quoted);
            }
        }
        return out.toString();
    }

    /** How the document describes this frame, decoded by the message classes. */
    static List<Field> describe(Frame frame) {
        List<Field> f = new ArrayList<>();
        f.add(new Field("type", frame.type().name()));
        switch (frame.type()) {
            case HELLO -> {
                Hello h = Hello.fromFrame(frame);
                add(f, "version", h.version());
                f.add(new Field("software", h.software()));
                h.token().ifPresent(t -> f.add(new Field("token", t)));
            }
            case REQUEST -> {
                Request r = Request.fromFrame(frame);
                r.argv().forEach(a -> f.add(new Field("arg", a)));
                r.env().forEach((k, v) -> f.add(new Field("env", k + "=" + v)));
                f.add(new Field("cwd", r.cwd()));
                r.terminal().ifPresent(t -> {
                    add(f, "tty.columns", t.columns());
                    add(f, "tty.rows", t.rows());
                    f.add(new Field("tty.term", t.term()));
                });
                f.add(new Field("client", r.clientName()));
                if (!r.stdio().equals(Stdio.UNSAID)) {
                    f.add(new Field("stdio.in", kindName(r.stdio().stdin())));
                    f.add(new Field("stdio.out", kindName(r.stdio().stdout())));
                    f.add(new Field("stdio.err", kindName(r.stdio().stderr())));
                }
            }
            case STDIN, STDOUT, STDERR -> f.add(new Field("data", Bytes.toHex(frame.payload())));
            case STDIN_EOF, STARTED -> {
                if (frame.payload().length > 0) {
                    f.add(new Field("unexpected payload", Bytes.toHex(frame.payload())));
                }
            }
            case SIGNAL -> {
                Signal s = Signal.fromFrame(frame);
                f.add(new Field("signal", s.name()));
                add(f, "number", s.number());
            }
            case RESIZE -> {
                Resize r = Resize.fromFrame(frame);
                add(f, "columns", r.columns());
                add(f, "rows", r.rows());
            }
            case STDIN_CREDIT -> add(f, "credit", StdinCredit.fromFrame(frame).bytes());
            case QUEUED -> {
                Queued q = Queued.fromFrame(frame);
                add(f, "position", q.position());
                add(f, "length", q.length());
            }
            case EXIT -> {
                Exit e = Exit.fromFrame(frame);
                f.add(new Field("kind", e.signaled() ? "signal" : "code"));
                add(f, "value", e.value());
                add(f, "status", e.shellStatus());
            }
            case ERROR -> {
                BridgeError e = BridgeError.fromFrame(frame);
                f.add(new Field("code", e.code()));
                add(f, "status", e.exitStatus());
                f.add(new Field("message", e.message()));
            }
            default -> throw new IllegalStateException("no description for " + frame.type());
        }
        return f;
    }

    /** The frame a description means, made by the message classes (so, by the reference encoder). */
    static Frame build(List<Field> fields) {
        FrameType type = FrameType.valueOf(one(fields, "type"));
        switch (type) {
            case HELLO:
                return new Hello(
                                number(fields, "version"),
                                one(fields, "software"),
                                all(fields, "token").stream().findFirst())
                        .toFrame();
            case REQUEST: {
                Map<String, String> env = new LinkedHashMap<>();
                for (String kv : all(fields, "env")) {
                    env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
                Optional<Terminal> tty = all(fields, "tty.columns").isEmpty()
                        ? Optional.empty()
                        : Optional.of(new Terminal(
                                number(fields, "tty.columns"), number(fields, "tty.rows"), one(fields, "tty.term")));
                Stdio stdio = all(fields, "stdio.in").isEmpty()
                        ? Stdio.UNSAID
                        : new Stdio(
                                kind(one(fields, "stdio.in")),
                                kind(one(fields, "stdio.out")),
                                kind(one(fields, "stdio.err")));
                return new Request(all(fields, "arg"), env, one(fields, "cwd"), tty, one(fields, "client"), stdio)
                        .toFrame();
            }
            case STDIN:
            case STDOUT:
            case STDERR:
                return new Frame(type, Bytes.fromHex(one(fields, "data")));
            case SIGNAL:
                return Signal.valueOf(one(fields, "signal")).toFrame();
            case RESIZE:
                return new Resize(number(fields, "columns"), number(fields, "rows")).toFrame();
            case STDIN_CREDIT:
                return new StdinCredit(Long.parseLong(one(fields, "credit"))).toFrame();
            case QUEUED:
                return new Queued(Long.parseLong(one(fields, "position")), Long.parseLong(one(fields, "length")))
                        .toFrame();
            case EXIT:
                return one(fields, "kind").equals("signal")
                        ? Exit.signal(number(fields, "value")).toFrame()
                        : Exit.code(number(fields, "value")).toFrame();
            case ERROR:
                return new BridgeError(one(fields, "code"), number(fields, "status"), one(fields, "message")).toFrame();
            default:
                return Frame.empty(type);
        }
    }

    private static String kindName(StdioKind k) {
        return k.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static StdioKind kind(String name) {
        return StdioKind.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    private static void add(List<Field> f, String key, long value) {
        f.add(new Field(key, Long.toString(value)));
    }

    private static List<String> all(List<Field> fields, String key) {
        return fields.stream()
                .filter(f -> f.key().equals(key))
                .map(Field::value)
                .toList();
    }

    private static String one(List<Field> fields, String key) {
        List<String> values = all(fields, key);
        if (values.size() != 1) {
            throw new IllegalArgumentException("expected one '" + key + "' line, found " + values.size());
        }
        return values.get(0);
    }

    private static int number(List<Field> fields, String key) {
        return Integer.parseInt(one(fields, key));
    }
}
