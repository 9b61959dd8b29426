package dev.claudebridge.daemon.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgvSummaryTest {
    @Test
    void plainWordsStayAsTheyAre() {
        assertThat(ArgvSummary.of(List.of("-p", "--model", "opus", "--output-format=json")))
                .isEqualTo("-p --model opus --output-format=json");
    }

    @Test
    void wordsAShellWouldSplitAreQuoted() {
        assertThat(ArgvSummary.of(List.of("-p", "it's a test", ""))).isEqualTo("-p 'it'\\''s a test' ''");
    }

    @Test
    void aLongPromptIsCutAndNewlinesShown() {
        String prompt = "line one\nline two " + "x".repeat(200);
        String s = ArgvSummary.of(List.of("-p", prompt));
        assertThat(s).startsWith("-p 'line one⏎line two xx").contains("…").doesNotContain("\n");
        assertThat(s.length()).isLessThanOrEqualTo(3 + ArgvSummary.MAX_ARG + 2);
    }

    @Test
    void theWholeLineIsBounded() {
        List<String> many = java.util.Collections.nCopies(100, "--verbose");
        String s = ArgvSummary.of(many);
        assertThat(s).hasSize(ArgvSummary.MAX_LINE).endsWith("…");
    }

    @Test
    void cuttingNeverSplitsASurrogatePair() {
        String s = ArgvSummary.of(List.of("😀".repeat(100), "a😀".repeat(100), "😀a".repeat(100)));
        assertThat(s).doesNotContain("\uFFFD");
        assertThat(s.codePoints().filter(cp -> cp >= 0xD800 && cp <= 0xDFFF)).isEmpty();
        assertThat(s.codePointCount(0, s.length())).isEqualTo(ArgvSummary.MAX_LINE);
    }
}
