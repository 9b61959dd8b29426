package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import dev.claudebridge.protocol.Stdio;
import dev.claudebridge.protocol.StdioKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When the caller's stdout or stderr is a regular file, the host process's is a regular file too (the
 * daemon's own, unnamed, streamed to the caller as it grows), with O_APPEND for {@code >>}; and the
 * disk it takes stays bounded however much is written and however slowly the caller reads.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OutputFileTest {
    /** The daemon's limit on output not yet read ({@code FileTail.BACKLOG_LIMIT}). */
    private static final long BACKLOG_LIMIT = 16L * 1024 * 1024;

    private static final int O_APPEND = 02000;
    private static Bridge bridge;
    private static Path outputDir;

    @BeforeAll
    static void start() throws IOException {
        Path dir = Bridge.tempDir();
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        outputDir = tmp.resolve("claude-bridge-output-" + System.getProperty("user.name"));
        bridge = Bridge.start(
                dir,
                Map.of("CLAUDE_BRIDGE_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp),
                Bridge.withClaude(Bridge.script(dir, "/output-file-claude.sh", "claude")));
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void aFileForOutputIsAFileForTheHostProcessAndItsOutputArrives() throws Exception {
        List<String[]> d = describe(">out.txt");
        assertThat(d.get(0)[2]).as("fd 1: %s", String.join(" ", d.get(0))).startsWith("regular");
        assertThat(d.get(0)[1]).startsWith(outputDir + "/").endsWith("(deleted)");
        assertThat(flags(d.get(0)) & O_APPEND).as("no O_APPEND for >").isZero();
        assertThat(d.get(1)[2]).as("fd 2 stays a pipe").isEqualTo("fifo");

        d = describe(">>out.txt 2>err.txt");
        assertThat(d.get(0)[2]).startsWith("regular");
        assertThat(flags(d.get(0)) & O_APPEND).as("O_APPEND for >>").isNotZero();
        assertThat(d.get(1)[2]).as("fd 2: %s", String.join(" ", d.get(1))).startsWith("regular");
        assertThat(d.get(1)[1]).isNotEqualTo(d.get(0)[1]);

        Path out = bridge.dir.resolve("both-out.txt");
        Path err = bridge.dir.resolve("both-err.txt");
        Process p = bridge.client(bridge.dir)
                .command("sh", "-c", "exec \"$0\" both </dev/null >" + out + " 2>" + err, Bridge.CLIENT.toString())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(Files.readString(out)).isEqualTo("out-1\nout-2\nout-3\n");
        assertThat(Files.readString(err)).isEqualTo("err-1\nerr-2\nerr-3\n");
        try (Stream<Path> left = Files.list(outputDir)) {
            assertThat(left.toList())
                    .as("nothing left with a name in the daemon's directory")
                    .isEmpty();
        }
    }

    @Test
    void sixtyFourMiBForACallerThatStopsAndReadsSlowlyArriveWholeOnBoundedDisk() throws Exception {
        int chunks = 86;
        int lines = 100_000;
        String expected = sha256(new ProcessBuilder("seq", Integer.toString(chunks * lines))
                .start()
                .getInputStream());
        AtomicLong maxAllocated = new AtomicLong();
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicBoolean sawFile = new AtomicBoolean();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                for (Path fd : outputFiles()) {
                    sawFile.set(true);
                    maxAllocated.accumulateAndGet(allocatedBytes(fd), Math::max);
                }
                bridge.children().forEach(pid -> {
                    if (state(pid) == 'T') {
                        stopped.set(true);
                    }
                });
                sleep(50);
            }
        });
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long received = 0;
        int status = -1;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(bridge.socket))) {
            FrameWriter w = new FrameWriter(Channels.newOutputStream(ch));
            w.write(new Hello(Hello.VERSION, "output-file-test").toFrame());
            w.write(new Request(
                            List.of("paced", Integer.toString(chunks), Integer.toString(lines)),
                            Map.of(),
                            bridge.dir.toString(),
                            Optional.empty(),
                            "output-file-test",
                            new Stdio(StdioKind.NULL, StdioKind.FILE, StdioKind.PIPE))
                    .toFrame());
            // a caller that takes nothing until the backlog has stopped the process, then reads slowly
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!stopped.get() && System.nanoTime() < deadline) {
                sleep(50);
            }
            FrameReader r = new FrameReader(Channels.newInputStream(ch));
            while (status < 0) {
                Frame f = r.read()
                        .orElseThrow(() -> new AssertionError("connection closed before EXIT:\n" + bridge.log()));
                if (f.type() == FrameType.STDOUT) {
                    sha.update(f.payload());
                    received += f.payload().length;
                    sleep(1); // about 30 MB/s at most: slower than the writer
                } else if (f.type() == FrameType.EXIT) {
                    Exit x = Exit.fromFrame(f);
                    status = x.signaled() ? 128 + x.value() : x.value();
                }
            }
        } finally {
            sampling.set(false);
            sampler.join();
        }

        System.out.printf(
                "64 MiB into an output file, caller slow: at most %d bytes of disk blocks%n", maxAllocated.get());
        assertThat(sawFile)
                .as("the host process's stdout was a file of the daemon's")
                .isTrue();
        assertThat(stopped)
                .as("the process was paused while the backlog was over the limit")
                .isTrue();
        assertThat(status).isZero();
        assertThat(received).as("bytes received").isGreaterThan(64L * 1024 * 1024);
        assertThat(HexFormat.of().formatHex(sha.digest()))
                .as("what arrived is what seq wrote")
                .isEqualTo(expected);
        // the limit, plus what the writer may add between two checks of the backlog on a busy machine
        assertThat(maxAllocated.get())
                .as("most disk the file took")
                .isLessThanOrEqualTo(BACKLOG_LIMIT + 16L * 1024 * 1024);
    }

    /** The host's descriptors 1 and 2 as {@code [fd, link, kind, octal flags]} when the client runs with these redirections. */
    private static List<String[]> describe(String redirections) throws Exception {
        Path report = bridge.dir.resolve("describe-" + System.nanoTime());
        Process p = bridge.client(bridge.dir)
                .command(
                        "sh",
                        "-c",
                        "exec \"$0\" describe " + report + " </dev/null " + redirections,
                        Bridge.CLIENT.toString())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(out)).isZero();
        return Files.readAllLines(report).stream()
                .map(l -> {
                    // "N LINK KIND FLAGS", where LINK may hold spaces ("... (deleted)")
                    int first = l.indexOf(' ');
                    int last = l.lastIndexOf(' ');
                    int kind = l.lastIndexOf(' ', last - 1);
                    return new String[] {
                        l.substring(0, first),
                        l.substring(first + 1, kind),
                        l.substring(kind + 1, last),
                        l.substring(last + 1)
                    };
                })
                .toList();
    }

    private static int flags(String[] described) {
        return Integer.parseInt(described[3], 8);
    }

    /** The daemon's descriptors of files in its output directory. */
    private static List<Path> outputFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(bridge.daemonPid()), "fd"))) {
            return fds.filter(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).toString().startsWith(outputDir + "/");
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Disk blocks the file takes (stat's st_blocks, in bytes), 0 once it is gone. */
    private static long allocatedBytes(Path fd) {
        try {
            Process p = new ProcessBuilder("stat", "-L", "-c", "%b %B", fd.toString())
                    .redirectErrorStream(true)
                    .start();
            String[] out = new String(p.getInputStream().readAllBytes()).trim().split(" ");
            p.waitFor();
            return p.exitValue() == 0 ? Long.parseLong(out[0]) * Long.parseLong(out[1]) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return 'X';
        }
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
