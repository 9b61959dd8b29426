package dev.claudebridge.daemon.admin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/events}: server-sent events, one {@code status} event with the whole report each time
 * a request arrives, starts or ends (bursts are merged), and at least every {@link #HEARTBEAT_MS} ms
 * so that elapsed times move and a dead connection is noticed. Each stream holds one virtual thread.
 *
 * <p>Memory is bounded: at most {@link #MAX_STREAMS} streams at once (one more is answered 503), each
 * with one event in flight and no queue (a reader that falls behind skips to the newest report), and a
 * reader that takes more than {@link #WRITE_TIMEOUT_MS} ms to take an event is dropped.
 */
final class EventStream {
    static final long HEARTBEAT_MS = 2000;
    static final int MAX_STREAMS = 64;
    static final long WRITE_TIMEOUT_MS = 10_000;
    private static final long MIN_GAP_MS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    private final StatusService status;
    private final RequestTracker tracker;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    EventStream(StatusService status, RequestTracker tracker) {
        this.status = status;
        this.tracker = tracker;
    }

    void stream(Request request, Response response, Callback callback) {
        if (open.incrementAndGet() > MAX_STREAMS) {
            open.decrementAndGet();
            Response.writeError(
                    request,
                    response,
                    callback,
                    HttpStatus.SERVICE_UNAVAILABLE_503,
                    "the admin endpoint serves at most " + MAX_STREAMS
                            + " event streams at once; close a dashboard or poll /api/status");
            return;
        }
        try {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream;charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            write(response, ByteBuffer.wrap("retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII)));
            while (!closed) {
                long seen = tracker.version(); // before the report: a change while it is made is sent again, not lost
                byte[] json = status.json(); // compact: one line, so one data field
                ByteBuffer event = ByteBuffer.allocate(json.length + 32);
                event.put("event: status\ndata: ".getBytes(StandardCharsets.US_ASCII))
                        .put(json)
                        .put("\n\n".getBytes(StandardCharsets.US_ASCII));
                write(response, event.flip());
                tracker.awaitChange(seen, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
                Thread.sleep(MIN_GAP_MS);
            }
            response.write(true, null, callback);
        } catch (TimeoutException e) {
            LOG.info(
                    "dropping an event stream of {}: it took no event for {} ms",
                    Request.getRemoteAddr(request),
                    WRITE_TIMEOUT_MS);
            callback.failed(e); // aborts the connection, and with it the write that waits
        } catch (IOException e) {
            callback.failed(e); // the browser went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } finally {
            open.decrementAndGet();
        }
    }

    /** Writes one event, waiting at most {@link #WRITE_TIMEOUT_MS} for the reader to take it. */
    private static void write(Response response, ByteBuffer bytes)
            throws IOException, TimeoutException, InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        response.write(false, bytes, Callback.from(() -> done.complete(null), done::completeExceptionally));
        try {
            done.get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Streams open now. */
    int open() {
        return open.get();
    }

    /** Ends every stream at its next wake-up (within a heartbeat). */
    void close() {
        closed = true;
    }
}
