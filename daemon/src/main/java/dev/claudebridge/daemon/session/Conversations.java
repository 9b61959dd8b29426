package dev.claudebridge.daemon.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which caller owns which claude conversation (session id), so that {@code --resume}, {@code --continue}
 * and {@code --fork-session} reach only the caller's own. The daemon names every new conversation
 * itself ({@code --session-id}) and records the owner before claude starts; an id it has no record of
 * belongs to nobody and cannot be resumed through the bridge.
 *
 * <p>Kept in a file of JSON lines (one per claim or use, rewritten compactly at start, records unused
 * for {@link #RETENTION} dropped), so ownership survives a restart of the daemon. {@link #inMemory()}
 * keeps them for the daemon's lifetime only.
 *
 * <p>Durability: a conversation's owner is on disk before claude starts, yet without a journal commit
 * of its own on the request's path. {@link #claim} writes the line and wakes a thread that forces the
 * file at once; {@link #awaitDurable}, called just before the spawn, waits for the force that covers
 * the request's own lines (a request without a claim waits for nothing). Meanwhile the
 * request is admitted and its audit start record written and forced, so the two fdatasyncs run at the
 * same time and the filesystem's journal (ext4's jbd2, XFS's log) commits them together; one force also
 * covers the lines of every request that claimed before it began. The guarantee rests only on the
 * force of this file completing before the spawn, never on the other file's commit.
 */
public final class Conversations {
    private static final Logger LOG = LoggerFactory.getLogger(Conversations.class);
    /** Records unused for this long are dropped at start (claude itself deletes transcripts after 30 days by default). */
    static final Duration RETENTION = Duration.ofDays(90);

    /** One conversation: its owner, the host directory it runs in, and when it was last started or resumed. */
    record Entry(String id, String owner, String cwd, Instant used) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Optional<Path> file;
    /** The file, open for appending, from {@link #open} on. */
    private FileChannel channel;
    /** Lines written, and the last line a force has covered, failed or not (both guarded by this). */
    private long written;

    private long covered;
    /** The lines, (from, through], of the latest forces that failed, with their errors; guarded by this. */
    private final java.util.ArrayDeque<Failed> failed = new java.util.ArrayDeque<>();

    private record Failed(long from, long through, IOException error) {}

    /** Forces the file whenever lines are written: started by the first claim. */
    private Thread syncer;
    /** The lines, [first, last], that the calling thread's request claimed and has not awaited yet. */
    private final ThreadLocal<long[]> pending = new ThreadLocal<>();

    /** How the file is forced: {@code force(false)}, i.e. fdatasync; tests make it fail. */
    interface Forcer {
        void force(FileChannel c) throws IOException;
    }

    private final Forcer forcer;

    private Conversations(Optional<Path> file, Forcer forcer) {
        this.file = file;
        this.forcer = forcer;
    }

    public static Conversations inMemory() {
        return new Conversations(Optional.empty(), c -> {});
    }

    /**
     * Opens (or creates, mode 0600) the record file, keeping the records it holds.
     *
     * @throws UncheckedIOException when it cannot be read or written
     */
    public static Conversations open(Path file) {
        return open(file, c -> c.force(false));
    }

    static Conversations open(Path file, Forcer forcer) {
        Conversations c = new Conversations(Optional.of(file), forcer);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                int bad = 0;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    try {
                        JsonNode n = DaemonSettings.JSON.readTree(line);
                        c.put(new Entry(
                                n.get("id").asText(),
                                n.get("owner").asText(),
                                n.get("cwd").asText(),
                                Instant.parse(n.get("used").asText())));
                    } catch (IOException | RuntimeException e) {
                        bad++; // a line cut short by a crash; the ones before it still count
                    }
                }
                if (bad > 0) {
                    LOG.warn("{}: {} unreadable line(s) skipped", file, bad);
                }
            }
            Instant horizon = Instant.now().minus(RETENTION);
            c.entries.values().removeIf(e -> e.used().isBefore(horizon));
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            List<String> lines = new ArrayList<>();
            c.entries.values().forEach(e -> lines.add(line(e)));
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(
                    tmp,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            c.channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep conversation records in " + file + ": " + e.getMessage(), e);
        }
        return c;
    }

    /** Where the records are kept, if anywhere. */
    public Optional<Path> file() {
        return file;
    }

    synchronized Optional<String> owner(String id) {
        return Optional.ofNullable(entries.get(id)).map(Entry::owner);
    }

    /** The owner's most recently started or resumed conversation in a host directory. */
    synchronized Optional<String> latest(String owner, String cwd) {
        return entries.values().stream()
                .filter(e -> e.owner().equals(owner) && e.cwd().equals(cwd))
                .max(Comparator.comparing(Entry::used))
                .map(Entry::id);
    }

    /**
     * Records a conversation as the owner's (a new one), or that the owner used it again. The line is
     * written, not forced: {@link #awaitDurable} does that before claude starts.
     *
     * @throws IllegalStateException when it belongs to someone else
     * @throws UncheckedIOException when the record cannot be written (the request must not run unrecorded)
     */
    synchronized void claim(String id, String owner, String cwd) {
        Entry before = entries.get(id);
        if (before != null && !before.owner().equals(owner)) {
            throw new IllegalStateException("conversation " + id + " belongs to another caller");
        }
        Entry e = new Entry(id, owner, cwd, Instant.now());
        if (file.isPresent()) {
            try {
                ByteBuffer buf = ByteBuffer.wrap((line(e) + "\n").getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                written++;
                long[] mine = pending.get();
                if (mine == null) {
                    pending.set(new long[] {written, written});
                } else {
                    mine[1] = written;
                }
                if (syncer == null) {
                    syncer = Thread.ofPlatform()
                            .daemon()
                            .name("conversation-sync")
                            .start(this::sync);
                }
                notifyAll(); // the syncer starts forcing it now, while the request goes on to its audit record
            } catch (IOException x) {
                throw new UncheckedIOException(
                        "cannot record conversation " + id + " in " + file.get() + ": " + x.getMessage(), x);
            }
        }
        put(e);
    }

    /**
     * Returns once the lines the calling thread {@link #claim}ed (the request's, claimed on its own
     * thread) are on the device; at once when it claimed none.
     *
     * @throws UncheckedIOException when the force that covered them failed (the request must not run unrecorded)
     */
    void awaitDurable() {
        long[] mine = pending.get();
        if (mine == null) {
            return;
        }
        pending.remove();
        synchronized (this) {
            boolean interrupted = false;
            while (covered < mine[1]) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the spawn must not pass an unforced record: keep waiting
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            for (Failed f : failed) {
                // the first force to cover a line decides: after a failed fsync a later one proves nothing of it
                if (f.from() < mine[1] && mine[0] <= f.through()) {
                    throw new UncheckedIOException(
                            "cannot record conversations in " + file.orElseThrow() + ": "
                                    + f.error().getMessage(),
                            f.error());
                }
            }
        }
    }

    /** The syncer: forces the file whenever lines were written since the last force began. */
    private void sync() {
        while (true) {
            long from;
            long upTo;
            FileChannel c;
            synchronized (this) {
                while (written == covered) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                from = covered;
                upTo = written;
                c = channel;
            }
            IOException e = null;
            try {
                forcer.force(c);
            } catch (IOException x) {
                e = x;
            }
            synchronized (this) {
                if (e != null) {
                    failed.addLast(new Failed(from, upTo, e));
                    if (failed.size() > 64) {
                        failed.removeFirst(); // long past: nobody still waits for those lines
                    }
                }
                covered = upTo;
                notifyAll();
            }
        }
    }

    private void put(Entry e) {
        Entry before = entries.get(e.id());
        // the first owner stays the owner; a later line only says it was used again
        entries.put(e.id(), before == null ? e : new Entry(e.id(), before.owner(), e.cwd(), e.used()));
    }

    private static String line(Entry e) {
        var n = DaemonSettings.JSON.createObjectNode();
        n.put("id", e.id())
                .put("owner", e.owner())
                .put("cwd", e.cwd())
                .put("used", e.used().toString());
        return n.toString();
    }
}
