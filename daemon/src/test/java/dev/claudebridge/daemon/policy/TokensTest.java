package dev.claudebridge.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tokens are kept as hashes; a token is known by its entry's name, and one not listed is not known. */
class TokensTest {
    @Test
    void aListedTokenIsKnownByItsNameAndOthersAreNot() {
        String a = Tokens.generate();
        String b = Tokens.generate();
        assertThat(a).isNotEqualTo(b).hasSizeGreaterThanOrEqualTo(43);
        Tokens t = Tokens.of(List.of("agent-a=" + Tokens.hash(a), "agent-b=" + Tokens.hash(b)));
        assertThat(t.nameOf(a)).contains("agent-a");
        assertThat(t.nameOf(b)).contains("agent-b");
        assertThat(t.nameOf(a + "x")).isEmpty();
        assertThat(t.nameOf("")).isEmpty();
        assertThat(Tokens.of(List.of("agent-b=" + Tokens.hash(b))).nameOf(a))
                .as("revoked")
                .isEmpty();
    }

    @Test
    void theHashIsSha256InLowercaseHex() {
        // echo -n abc | sha256sum
        assertThat(Tokens.hash("abc"))
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
