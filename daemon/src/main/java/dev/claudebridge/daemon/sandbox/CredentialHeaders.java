package dev.claudebridge.daemon.sandbox;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The credential part of a forwarded request's headers: whatever credential the caller sent goes,
 * the real one comes in, and the beta list says what the real one needs.
 */
final class CredentialHeaders {
    static final String API_KEY = "x-api-key";
    static final String BETA = "anthropic-beta";

    /** The API accepts a subscription token only with this beta. */
    static final String OAUTH_BETA = "oauth-2025-04-20";

    private CredentialHeaders() {}

    /**
     * Removes {@code x-api-key}, {@code Authorization}, {@code Proxy-Authorization} and {@code Cookie}, then
     * adds {@code credential} as its kind is sent. For a subscription token the OAuth beta is added
     * when missing; for an API key it is removed (a claude whose grant predates a rotation from one kind
     * to the other still gets through); other betas stay as the caller sent them.
     */
    static void replace(HttpFields.Mutable headers, Credential credential) {
        headers.remove(API_KEY);
        headers.remove(HttpHeader.AUTHORIZATION);
        headers.remove(HttpHeader.PROXY_AUTHORIZATION);
        headers.remove(HttpHeader.COOKIE);
        switch (credential.kind()) {
            case API_KEY -> {
                headers.put(API_KEY, credential.secret());
                betas(headers, false);
            }
            case OAUTH -> {
                headers.put(HttpHeader.AUTHORIZATION, "Bearer " + credential.secret());
                betas(headers, true);
            }
            case BEARER -> headers.put(HttpHeader.AUTHORIZATION, "Bearer " + credential.secret());
        }
    }

    private static void betas(HttpFields.Mutable headers, boolean oauth) {
        List<String> betas = new ArrayList<>();
        for (String value : headers.getValuesList(BETA)) {
            for (String beta : value.split(",")) {
                String b = beta.strip();
                if (!b.isEmpty() && (oauth || !b.equals(OAUTH_BETA)) && !betas.contains(b)) {
                    betas.add(b);
                }
            }
        }
        if (oauth && !betas.contains(OAUTH_BETA)) {
            betas.add(OAUTH_BETA);
        }
        if (betas.isEmpty()) {
            headers.remove(BETA);
        } else {
            headers.put(BETA, String.join(",", betas));
        }
    }
}
