package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.Request;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A container that changes its own files while the bridge works: the working directory and path
 * options are checked where they are used (at the spawn), not only when the request arrived, so a
 * directory swapped for a symbolic link while the request waits, or flipping under it, cannot make the
 * process run outside the mapping, and the audit names the directory actually used.
 */
class PathRaceTest {
    /** hold MARKER: keeps the one slot until MARKER exists; else prints its directory, arguments and any prompt file. */
    private static final String CLAUDE = """
            #!/bin/sh
            while :; do case ${1-} in --settings|--setting-sources|--session-id|--resume) shift 2 ;; *) break ;; esac; done
            if [ "$1" = hold ]; then n=0; while [ ! -e "$2" ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done; exit 0; fi
            printf 'cwd=%s\\n' "$(pwd -P)"
            prev=
            for a in "$@"; do
              printf 'arg=%s\\n' "$a"
              [ "$prev" = --append-system-prompt-file ] && printf 'file=%s\\n' "$(cat "$a" 2>&1)"
              prev=$a
            done
            exit 0
            """;

    private Path dir;
    private Path ws;
    private Path outside;
    private Bridge bridge;
    private AuditLines audit;

    @BeforeEach
    void start() throws IOException {
        dir = Bridge.tempDir();
        ws = Files.createDirectories(dir.resolve("ws"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("prompt.txt"), "SECRET-OUTSIDE");
        Path claude = Files.writeString(dir.resolve("claude"), CLAUDE);
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwxr-xr-x"));
        bridge = Bridge.start(
                dir, Map.of(), Bridge.withClaude(claude, "--map", ws + "=" + ws, "--max-running", "1", "--rate", "0"));
        audit = new AuditLines(bridge.auditLog());
    }

    @AfterEach
    void stop() {
        bridge.close();
    }

    @Test
    void aDirectorySwappedForASymlinkWhileQueuedIsRefused() throws Exception {
        Path sub = Files.createDirectories(ws.resolve("sub"));
        Files.createDirectories(outside.resolve("sub"));
        Path marker = dir.resolve("release");
        try (Call holder = holdTheSlot(marker);
                Call queued = Call.open(bridge.socket, List.of("-p", "hi"), sub.toString(), "queued")) {
            queued.queued.get(30, TimeUnit.SECONDS);
            swapForLink(sub, outside.resolve("sub"));
            Files.createFile(marker);
            RawCall.Answer a = queued.answer.get(30, TimeUnit.SECONDS);
            assertThat(a.text()).doesNotContain("cwd=" + outside.toRealPath());
            assertThat(a.status()).as(a.text()).isEqualTo(65);
            assertThat(a.text()).startsWith("cwd_not_mapped:").contains("leads outside");
            assertThat(holder.answer.get(30, TimeUnit.SECONDS).status()).isZero();
        }
        JsonNode end = audit.endOf("queued");
        assertThat(end.path("outcome").asText()).isEqualTo("cwd_not_mapped");
        assertThat(audit.of(end.path("id").asText()))
                .extracting(n -> n.path("event").asText())
                .containsExactly("end");
        // and the daemon goes on serving
        assertThat(RawCall.send(bridge.socket, false, request(List.of("-p", "again"), ws.toString(), "after"))
                        .status())
                .isZero();
    }

    @Test
    void aPathOptionSwappedWhileQueuedIsRefused() throws Exception {
        Path sub = Files.createDirectories(ws.resolve("notes"));
        Files.writeString(sub.resolve("prompt.txt"), "inside");
        Files.createDirectories(outside.resolve("notes"));
        Files.writeString(outside.resolve("notes/prompt.txt"), "SECRET-OUTSIDE");
        Path marker = dir.resolve("release");
        List<String> argv = List.of(
                "-p",
                "hi",
                "--append-system-prompt-file",
                sub.resolve("prompt.txt").toString());
        try (Call holder = holdTheSlot(marker);
                Call queued = Call.open(bridge.socket, argv, ws.toString(), "queued-option")) {
            queued.queued.get(30, TimeUnit.SECONDS);
            swapForLink(sub, outside.resolve("notes"));
            Files.createFile(marker);
            RawCall.Answer a = queued.answer.get(30, TimeUnit.SECONDS);
            assertThat(a.text()).doesNotContain("SECRET-OUTSIDE");
            assertThat(a.status()).as(a.text()).isEqualTo(78);
            assertThat(a.text())
                    .startsWith("policy_denied:")
                    .contains("--append-system-prompt-file")
                    .contains("leads outside");
            holder.answer.get(30, TimeUnit.SECONDS);
        }
        JsonNode end = audit.endOf("queued-option");
        assertThat(end.path("outcome").asText()).isEqualTo("policy_denied");
        assertThat(end.path("rule").asText()).isEqualTo("path-option");
    }

    @Test
    void theAuditNamesTheDirectoryActuallyUsed() throws Exception {
        Path d = Files.createDirectories(ws.resolve("d/x"));
        Path e = Files.createDirectories(ws.resolve("e/x"));
        Path marker = dir.resolve("release");
        try (Call holder = holdTheSlot(marker);
                Call queued = Call.open(bridge.socket, List.of("-p", "hi"), d.toString(), "moved")) {
            queued.queued.get(30, TimeUnit.SECONDS);
            swapForLink(ws.resolve("d"), ws.resolve("e")); // a link that stays inside the mapping is allowed
            Files.createFile(marker);
            RawCall.Answer a = queued.answer.get(30, TimeUnit.SECONDS);
            assertThat(a.status()).as(a.text()).isZero();
            assertThat(a.text()).contains("cwd=" + e.toRealPath());
            holder.answer.get(30, TimeUnit.SECONDS);
        }
        JsonNode end = audit.endOf("moved");
        assertThat(end.path("host_cwd").asText()).isEqualTo(e.toRealPath().toString());
        JsonNode start = audit.of(end.path("id").asText()).getFirst();
        assertThat(start.path("event").asText()).isEqualTo("start");
        assertThat(start.path("host_cwd").asText()).isEqualTo(e.toRealPath().toString());
    }

    /**
     * A directory that flips between itself and a link to outside as fast as it can, while requests run
     * in it one after another without any queue: none may run outside.
     */
    @Test
    void aFlippingSymlinkNeverWins() throws Exception {
        Path d = Files.createDirectories(ws.resolve("flip/x"));
        Path real = ws.resolve("flip.real");
        Path link = Files.createSymbolicLink(ws.resolve("flip.link"), outside);
        Files.createDirectories(outside.resolve("x"));
        String outsideCwd = "cwd=" + outside.toRealPath().resolve("x");
        AtomicBoolean flipping = new AtomicBoolean(true);
        Path flip = ws.resolve("flip");
        Thread flipper = Thread.ofPlatform().start(() -> {
            while (flipping.get()) {
                try {
                    Files.move(flip, real);
                    Files.move(link, flip);
                    Files.move(flip, link);
                    Files.move(real, flip);
                } catch (IOException ex) {
                    throw new AssertionError(ex);
                }
            }
        });
        int tries = 150;
        int wins = 0;
        int ran = 0;
        try {
            for (int i = 0; i < tries; i++) {
                RawCall.Answer a =
                        RawCall.send(bridge.socket, false, request(List.of("-p", "hi"), d.toString(), "flip-" + i));
                if (a.text().contains(outsideCwd)) {
                    wins++;
                } else if (a.status() == 0) {
                    ran++;
                }
            }
        } finally {
            flipping.set(false);
            flipper.join();
        }
        System.out.printf(
                "flipping symlink: %d of %d requests ran outside the mapping, %d ran inside, the rest were refused%n",
                wins, tries, ran);
        assertThat(wins).as("requests that ran outside the mapping").isZero();
    }

    private Call holdTheSlot(Path marker) throws Exception {
        Call holder = Call.open(bridge.socket, List.of("hold", marker.toString()), ws.toString(), "holder");
        holder.started.get(30, TimeUnit.SECONDS);
        return holder;
    }

    /** Replaces a directory by a symbolic link to {@code target}, as a container could do in its own workspace. */
    private static void swapForLink(Path directory, Path target) throws IOException {
        Files.move(
                directory, directory.resolveSibling(directory.getFileName() + ".old"), StandardCopyOption.ATOMIC_MOVE);
        Files.createSymbolicLink(directory, target);
    }

    static byte[] request(List<String> argv, String cwd, String client) {
        return RawCall.concat(
                RawCall.hello(), RawCall.request(new Request(argv, Map.of(), cwd, Optional.empty(), client)));
    }

    /** One request over a raw socket, answered in the background; tells when it is queued and when it has started. */
    static final class Call implements AutoCloseable {
        final CompletableFuture<Void> queued = new CompletableFuture<>();
        final CompletableFuture<Void> started = new CompletableFuture<>();
        final CompletableFuture<RawCall.Answer> answer = new CompletableFuture<>();
        private final SocketChannel ch;

        private Call(SocketChannel ch) {
            this.ch = ch;
        }

        static Call open(Path socket, List<String> argv, String cwd, String client) throws IOException {
            Call c = new Call(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
            ByteBuffer buf = ByteBuffer.wrap(request(argv, cwd, client));
            while (buf.hasRemaining()) {
                c.ch.write(buf);
            }
            Thread.ofVirtual().start(c::read);
            return c;
        }

        private void read() {
            FrameReader reader = new FrameReader(Channels.newInputStream(ch));
            StringBuilder out = new StringBuilder();
            try {
                while (true) {
                    Optional<Frame> f = reader.read();
                    if (f.isEmpty()) {
                        answer.complete(new RawCall.Answer(-1, "closed without an answer; output so far: " + out));
                        return;
                    }
                    FrameType t = f.get().type();
                    switch (t) {
                        case QUEUED -> queued.complete(null);
                        case STARTED -> started.complete(null);
                        case STDOUT, STDERR -> out.append(new String(f.get().payload(), StandardCharsets.UTF_8));
                        case ERROR -> {
                            BridgeError e = BridgeError.fromFrame(f.get());
                            answer.complete(new RawCall.Answer(e.exitStatus(), e.code() + ": " + e.message()));
                            return;
                        }
                        case EXIT -> {
                            Exit x = Exit.fromFrame(f.get());
                            answer.complete(
                                    new RawCall.Answer(x.signaled() ? 128 + x.value() : x.value(), out.toString()));
                            return;
                        }
                        default -> {}
                    }
                }
            } catch (IOException e) {
                answer.complete(new RawCall.Answer(-1, "connection broken: " + e));
            } finally {
                RawCall.Answer a = answer.getNow(new RawCall.Answer(-1, "no answer"));
                queued.completeExceptionally(new AssertionError("never queued; answer: " + a));
                started.completeExceptionally(new AssertionError("never started; answer: " + a));
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
