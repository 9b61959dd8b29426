package dev.claudebridge.daemon.admin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /api/events}: server-sent events, one {@code status} event with the whole report each time
 * a request arrives, starts or ends (bursts are merged), and at least every {@link #HEARTBEAT_MS} ms
 * so that elapsed times move and a dead connection is noticed. Each stream holds one virtual thread.
 */
final class EventStream {
    static final long HEARTBEAT_MS = 2000;
    private static final long MIN_GAP_MS = 200;

    private final StatusService status;
    private final RequestTracker tracker;
    private volatile boolean closed;

    EventStream(StatusService status, RequestTracker tracker) {
        this.status = status;
        this.tracker = tracker;
    }

    void stream(Request request, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream;charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        try {
            write(response, "retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII));
            while (!closed) {
                long seen = tracker.version(); // before the report: a change while it is made is sent again, not lost
                byte[] json = status.json(); // compact: one line, so one data field
                ByteBuffer event = ByteBuffer.allocate(json.length + 32);
                event.put("event: status\ndata: ".getBytes(StandardCharsets.US_ASCII)).put(json).put("\n\n".getBytes(StandardCharsets.US_ASCII));
                write(response, event.flip());
                tracker.awaitChange(seen, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
                Thread.sleep(MIN_GAP_MS);
            }
            response.write(true, null, callback);
        } catch (IOException e) {
            callback.failed(e); // the browser went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        }
    }

    private static void write(Response response, byte[] bytes) throws IOException {
        write(response, ByteBuffer.wrap(bytes));
    }

    private static void write(Response response, ByteBuffer bytes) throws IOException {
        try (Blocker.Callback cb = Blocker.callback()) {
            response.write(false, bytes, cb);
            cb.block();
        }
    }

    /** Ends every stream at its next wake-up (within a heartbeat). */
    void close() {
        closed = true;
    }
}
