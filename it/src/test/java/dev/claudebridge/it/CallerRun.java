package dev.claudebridge.it;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a client as a caller would, with its stdin as {@link Stdin} says and its stdout read fast,
 * slowly (64 KiB every 50 ms, a reader slower than the host process writes) or redirected to a file.
 */
final class CallerRun {
    /** The caller's standard input. */
    enum Stdin {
        /** {@code </dev/null} */
        DEV_NULL,
        /** {@code : | claude}: a pipe closed at once */
        EMPTY_PIPE,
        /** {@code echo ... | claude} */
        PIPE_WITH_DATA
    }

    /** How the caller reads the client's stdout. */
    enum Reader {
        FAST,
        SLOW,
        /** {@code >out.txt}: the client's stdout is a regular file */
        FILE
    }

    static final int SLOW_CHUNK = 64 * 1024;
    static final long SLOW_PAUSE_MS = 50;

    private CallerRun() {}

    /** Runs the client to completion (limit {@code seconds}) and returns what it wrote. */
    static Bridge.Result run(ProcessBuilder pb, Stdin stdin, Reader reader, int seconds) {
        if (stdin == Stdin.DEV_NULL) {
            pb.redirectInput(new File("/dev/null"));
        }
        File outFile = null;
        try {
            if (reader == Reader.FILE) {
                outFile = File.createTempFile("caller-out-", ".txt");
                pb.redirectOutput(outFile);
            }
            Process p = pb.start();
            File written = outFile;
            CompletableFuture<byte[]> out = reader == Reader.FILE
                    ? new CompletableFuture<>()
                    : CompletableFuture.supplyAsync(
                            () -> read(p.getInputStream(), reader),
                            r -> Thread.ofPlatform().daemon().start(r));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(
                    () -> read(p.getErrorStream(), Reader.FAST),
                    r -> Thread.ofPlatform().daemon().start(r));
            if (stdin != Stdin.DEV_NULL) {
                try (OutputStream in = p.getOutputStream()) {
                    if (stdin == Stdin.PIPE_WITH_DATA) {
                        in.write("some context from the pipe\n".getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the client may not read its stdin at all
                }
            }
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("client did not finish within " + seconds + " s");
            }
            if (written != null) {
                out.complete(java.nio.file.Files.readAllBytes(written.toPath()));
            }
            return new Bridge.Result(
                    p.exitValue(),
                    out.get(seconds, TimeUnit.SECONDS),
                    new String(err.get(seconds, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            if (outFile != null) {
                outFile.delete();
            }
        }
    }

    private static byte[] read(InputStream in, Reader reader) {
        if (reader == Reader.FAST) {
            return Bridge.readAll(in);
        }
        try (in;
                var all = new java.io.ByteArrayOutputStream()) {
            byte[] buf = new byte[SLOW_CHUNK];
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                all.write(buf, 0, n);
                Thread.sleep(SLOW_PAUSE_MS);
            }
            return all.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What {@code seq N} prints. */
    static byte[] seq(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            b.append(i).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
