package dev.claudebridge.daemon.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudebridge.daemon.sandbox.Credential.Kind;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the access token out of the host claude's login file ({@code ~/.claude/.credentials.json}). */
final class HostLogin {
    private static final Logger LOG = LoggerFactory.getLogger(HostLogin.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private HostLogin() {}

    /** Called once per version of the file; an expired token is still returned (the API will say so), with a warning. */
    static Credential accessToken(String text) {
        JsonNode oauth;
        try {
            oauth = JSON.readTree(text).path("claudeAiOauth");
        } catch (JsonProcessingException e) {
            // the parser's message quotes the text it choked on, which may be the token: say only where
            throw new CredentialException(
                    "is not valid JSON (line " + e.getLocation().getLineNr() + ")");
        }
        JsonNode token = oauth.path("accessToken");
        if (!token.isTextual() || token.asText().isBlank()) {
            throw new CredentialException("has no claudeAiOauth.accessToken; log in with claude on the host, or give"
                    + " the daemon a token from `claude setup-token` in a file");
        }
        Credential credential = new Credential(Kind.OAUTH, token.asText().strip());
        JsonNode expires = oauth.path("expiresAt");
        if (expires.canConvertToLong() && expires.asLong() < System.currentTimeMillis()) {
            LOG.warn(
                    "the host login's access token {} expired at {}; the host's claude refreshes it when it runs,"
                            + " or give the daemon a long-lived token from `claude setup-token` in a file",
                    credential.fingerprint(),
                    Instant.ofEpochMilli(expires.asLong()));
        }
        return credential;
    }
}
