package dev.claudebridge.daemon.sandbox;

import dev.claudebridge.daemon.sandbox.Credential.Kind;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The live grants, found by their placeholder. The table is keyed by the placeholder's SHA-256, so a
 * lookup's timing says nothing useful about how close a guess was.
 */
final class Grants {
    /** The look of an API credential, so nothing in claude treats the placeholder as malformed. */
    static final String PREFIX = "sk-ant-bridge-";

    private static final int RANDOM_BYTES = 24; // 192 bits
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Grant> live = new ConcurrentHashMap<>();

    Grant issue(String requestId, Kind kind) {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        String placeholder = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String key = key(placeholder);
        Grant grant = new Grant(requestId, kind, placeholder, g -> live.remove(key, g));
        live.put(key, grant);
        return grant;
    }

    int size() {
        return live.size();
    }

    /**
     * The grant a request's credential headers name. Every credential it presents ({@code x-api-key},
     * {@code Authorization: Bearer}) must be the placeholder of one live grant.
     *
     * @throws Refused with the reason, which names presented values only by fingerprint
     */
    Grant admit(HttpFields headers) {
        List<String> tokens = new ArrayList<>(headers.getValuesList("x-api-key"));
        for (String auth : headers.getValuesList(HttpHeader.AUTHORIZATION)) {
            String a = auth.strip();
            if (a.length() < 7 || !a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                throw new Refused("an Authorization header that is not a bearer token");
            }
            tokens.add(a.substring(7).strip());
        }
        if (tokens.isEmpty()) {
            throw new Refused("no credential");
        }
        Grant grant = null;
        for (String token : tokens) {
            Grant g = live.get(key(token));
            if (g == null) {
                throw new Refused("a credential that is no live placeholder (" + Credential.fingerprint(token) + ")");
            }
            if (grant != null && grant != g) {
                throw new Refused("the placeholders of two grants");
            }
            grant = g;
        }
        return grant;
    }

    private static String key(String token) {
        return HexFormat.of().formatHex(Credential.sha256(token));
    }

    /** A request the proxy does not forward; the message is safe to log and to send back. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
