package dev.claudebridge.daemon.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The proxy's own answers, in the API's error format, so claude shows them as it shows the API's. */
final class ApiError {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiError() {}

    /** {@code {"type":"error","error":{"type":TYPE,"message":MESSAGE}}} with {@code status}. */
    static void write(Response response, Callback callback, int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.UTF_8)), callback);
    }
}
