package dev.claudebridge.daemon.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ClaudeConfig;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.exec.ProcessTree;
import dev.claudebridge.daemon.exec.Termination;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import dev.claudebridge.protocol.Signal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The session engine over in-memory streams with a process of the test's own (no host process): what
 * the caller receives, what reaches the process, and that the engine ends the tree exactly when it
 * should, through the one way it ends trees.
 */
class SessionEngineTest {
    /** The listener the callers come in on; never bound: the test hands the engine its streams itself. */
    private static final Path SOCKET = Path.of("/nonexistent/engine-test.sock");

    /** A process the test drives: its output is written by the test, its end is completed by the test. */
    static final class FakeTree implements ProcessTree {
        private final Pipe pipe = pipe();
        final OutputStream out = Channels.newOutputStream(pipe.sink());
        final InputStream stdout = Channels.newInputStream(pipe.source());
        final CompletableFuture<Termination> termination = new CompletableFuture<>();
        final List<Integer> signals = new CopyOnWriteArrayList<>();
        final AtomicInteger terminations = new AtomicInteger();
        volatile boolean workerAlive;

        void exit(int code) throws IOException {
            out.close();
            termination.complete(new Termination(false, code));
        }

        @Override
        public int pid() {
            return -1;
        }

        @Override
        public OutputStream stdin() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream stdout() {
            return stdout;
        }

        @Override
        public InputStream stderr() {
            return InputStream.nullInputStream();
        }

        @Override
        public CompletableFuture<Termination> termination() {
            return termination;
        }

        @Override
        public void signalGroup(int signal) {
            signals.add(signal);
        }

        @Override
        public void resize(int columns, int rows) {}

        @Override
        public boolean treeAlive() {
            return !termination.isDone() || workerAlive;
        }

        @Override
        public void terminateTree(Duration grace) {
            terminations.incrementAndGet();
            workerAlive = false;
            try {
                out.close();
            } catch (IOException e) {
                // already closed
            }
            termination.complete(new Termination(true, 15));
        }

        @Override
        public void forgetDescendants() {}

        @Override
        public void releaseTerminal() {}
    }

    static Pipe pipe() {
        try {
            return Pipe.open();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One caller's connection to an engine whose every request gets {@code tree}. */
    private static final class Call implements AutoCloseable {
        final FrameWriter toEngine;
        final FrameReader fromEngine;
        final OutputStream callerOut;
        final Thread serving;

        Call(FakeTree tree) throws IOException {
            Path claude = Path.of("/bin/true"); // located, never run: the fake launcher stands in
            BridgeConfig config = BridgeConfig.defaults()
                    .with(BridgeConfig.CLAUDE, ClaudeConfig.defaults().with(ClaudeConfig.PATH, Optional.of(claude)))
                    .with(
                            BridgeConfig.LISTENERS,
                            List.of(ListenerConfig.defaults().with(ListenerConfig.SOCKET, SOCKET)));
            BridgeSettings settings = BridgeSettings.of(config, System.getenv());
            SessionEngine engine = new SessionEngine(
                    () -> settings,
                    "claude-bridge/test",
                    Admission.UNLIMITED,
                    List.of(),
                    Conversations.inMemory(),
                    () -> dev.claudebridge.daemon.sandbox.Sandbox.unavailable("not in this test"),
                    (spec, request, dir) -> tree);
            // java.nio pipes, not java.io's piped streams, which fail a read once a writing thread has ended
            Pipe in = pipe();
            Pipe out = pipe();
            callerOut = Channels.newOutputStream(in.sink());
            InputStream engineIn = Channels.newInputStream(in.source());
            OutputStream engineOut = Channels.newOutputStream(out.sink());
            InputStream callerIn = Channels.newInputStream(out.source());
            serving = Thread.ofVirtual().start(() -> {
                try (engineOut) {
                    engine.serve(engineIn, engineOut, new Peer(SOCKET.toString(), "tester", "testers"));
                } catch (IOException e) {
                    // the test's caller went away
                }
            });
            toEngine = new FrameWriter(callerOut);
            fromEngine = new FrameReader(callerIn);
            toEngine.write(new Hello(Hello.VERSION, "test-client").toFrame());
            toEngine.write(
                    new Request(List.of("-p", "hi"), java.util.Map.of(), "/", Optional.empty(), "test").toFrame());
            assertThat(Hello.fromFrame(fromEngine.read().orElseThrow()).version())
                    .isEqualTo(Hello.VERSION);
        }

        /** Frames until (and with) the first of {@code type}. */
        List<Frame> until(FrameType type) throws IOException {
            List<Frame> frames = new ArrayList<>();
            while (true) {
                Frame f = fromEngine.read().orElseThrow(() -> new AssertionError("the engine hung up early"));
                frames.add(f);
                if (f.type() == FrameType.ERROR && type != FrameType.ERROR) {
                    throw new AssertionError(
                            "the engine refused: " + dev.claudebridge.protocol.BridgeError.fromFrame(f));
                }
                if (f.type() == type) {
                    return frames;
                }
            }
        }

        @Override
        public void close() throws IOException {
            callerOut.close();
            try {
                serving.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void outputAndTheExitStatusReachTheCaller() throws Exception {
        FakeTree tree = new FakeTree();
        try (Call call = new Call(tree)) {
            call.until(FrameType.STARTED);
            tree.out.write("hello\n".getBytes(StandardCharsets.UTF_8));
            tree.exit(3);
            List<Frame> frames = call.until(FrameType.EXIT);
            String out = frames.stream()
                    .filter(f -> f.type() == FrameType.STDOUT)
                    .map(f -> new String(f.payload(), StandardCharsets.UTF_8))
                    .reduce("", String::concat);
            assertThat(out).isEqualTo("hello\n");
            assertThat(Exit.fromFrame(frames.getLast())).isEqualTo(Exit.code(3));
            assertThat(tree.terminations.get()).as("nothing was left to end").isZero();
        }
    }

    @Test
    void aCallersSignalReachesTheProcessGroup() throws Exception {
        FakeTree tree = new FakeTree();
        try (Call call = new Call(tree)) {
            call.until(FrameType.STARTED);
            call.toEngine.write(Signal.INT.toFrame());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (tree.signals.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(tree.signals).containsExactly(Signal.INT.number());
            tree.exit(130);
            assertThat(Exit.fromFrame(call.until(FrameType.EXIT).getLast())).isEqualTo(Exit.code(130));
        }
    }

    @Test
    void aWorkerLeftByTheLeaderIsEndedOnce() throws Exception {
        FakeTree tree = new FakeTree();
        tree.workerAlive = true;
        try (Call call = new Call(tree)) {
            call.until(FrameType.STARTED);
            tree.out.close();
            tree.termination.complete(new Termination(false, 0));
            assertThat(Exit.fromFrame(call.until(FrameType.EXIT).getLast())).isEqualTo(Exit.code(0));
            assertThat(tree.workerAlive).isFalse();
            assertThat(tree.terminations.get()).isEqualTo(1);
        }
    }

    @Test
    void aCallerThatHangsUpEndsTheTree() throws Exception {
        FakeTree tree = new FakeTree();
        Call call = new Call(tree);
        call.until(FrameType.STARTED);
        call.close(); // the caller's side of the connection closes while the process runs
        assertThat(tree.termination.get(10, TimeUnit.SECONDS).signaled()).isTrue();
        assertThat(tree.terminations.get()).isPositive();
    }
}
