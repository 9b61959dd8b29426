package dev.claudebridge.daemon.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OutputScannerTest {
    private static final String RESULT =
            "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"num_turns\":2,"
                    + "\"result\":\"hi\",\"total_cost_usd\":0.5,\"usage\":{\"input_tokens\":100,\"cache_creation_input_tokens\":3,"
                    + "\"cache_read_input_tokens\":7,\"output_tokens\":45},\"modelUsage\":{\"claude-x\":{\"inputTokens\":100}}}";
    private static final String EVENT = "{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"rejected\","
            + "\"resetsAt\":1900000000,\"rateLimitType\":\"five_hour\",\"utilization\":1.0},\"session_id\":\"s\"}";

    private final List<RateLimitInfo> reports = new ArrayList<>();
    private final OutputScanner scanner = new OutputScanner(reports::add);

    private void feed(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        scanner.feed(b, 0, b.length);
    }

    @Test
    void readsTheResultOfJsonOutput() {
        feed(RESULT + "\n");
        TokenUsage u = scanner.usage().orElseThrow();
        assertThat(u.inputTokens()).isEqualTo(100);
        assertThat(u.outputTokens()).isEqualTo(45);
        assertThat(u.cacheReadTokens()).isEqualTo(7);
        assertThat(u.cacheCreationTokens()).isEqualTo(3);
        assertThat(u.costUsd()).hasValue(0.5);
        assertThat(u.model()).isEqualTo("claude-x");
        assertThat(u.turns()).isEqualTo(2);
        assertThat(u.source()).isEqualTo("result");
    }

    @Test
    void aLastLineWithoutNewlineCounts() {
        feed(RESULT);
        assertThat(scanner.usage()).isPresent();
    }

    @Test
    void linesSplitAnywhereAcrossReadsAreJoined() {
        String all = "{\"type\":\"system\",\"subtype\":\"init\"}\n" + EVENT + "\n" + RESULT + "\n";
        byte[] b = all.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            scanner.feed(b, i, 1);
        }
        assertThat(scanner.usage().orElseThrow().inputTokens()).isEqualTo(100);
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).rejected()).isTrue();
        assertThat(reports.get(0).reason()).isEqualTo("five_hour");
        assertThat(reports.get(0).resetsAt())
                .hasValueSatisfying(t -> assertThat(t.getEpochSecond()).isEqualTo(1900000000L));
    }

    @Test
    void turnsOfAStreamJsonSessionAddUpAndTheLastCostIsTheWhole() {
        feed(RESULT + "\n" + RESULT.replace("0.5", "1.25") + "\n");
        TokenUsage u = scanner.usage().orElseThrow();
        assertThat(u.inputTokens()).isEqualTo(200);
        assertThat(u.turns()).isEqualTo(4);
        assertThat(u.costUsd()).hasValue(1.25);
    }

    @Test
    void aRefusedResultReportsA429UnlessAnEventAlreadyDid() {
        String refused = "{\"type\":\"result\",\"is_error\":true,\"api_error_status\":429,\"usage\":{}}\n";
        feed(refused);
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.rejected()).isTrue();
            assertThat(r.reason()).isEqualTo("http 429");
            assertThat(r.resetsAt()).isEmpty();
        });
        OutputScanner other = new OutputScanner(reports::add);
        byte[] b = (EVENT + "\n" + refused).getBytes(StandardCharsets.UTF_8);
        other.feed(b, 0, b.length);
        assertThat(reports).hasSize(2);
        assertThat(reports.get(1).reason()).isEqualTo("five_hour");
    }

    @Test
    void garbageNeverThrowsNorCounts() {
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[r.nextInt(5000)];
            r.nextBytes(b);
            scanner.feed(b, 0, b.length);
        }
        feed("\n{\"type\":\"result\",\"usage\":\"not an object\",\"total_cost_usd\":\"free\",\"num_turns\":-5}\n");
        feed("{\"type\":\"result\",\"usage\":{\"input_tokens\":-7,\"output_tokens\":1e400}}\n");
        feed("{\"type\":\"result\"\n");
        feed("[{\"type\":\"result\"}]\n");
        feed("{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"boom\"}}\n");
        feed("{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"rejected\",\"resetsAt\":1e300}}\n");
        TokenUsage u = scanner.usage().orElseThrow();
        assertThat(u.inputTokens()).isZero();
        assertThat(u.turns()).isZero();
        assertThat(u.costUsd()).isEmpty();
        assertThat(reports)
                .singleElement()
                .satisfies(x -> assertThat(x.resetsAt()).isEmpty());
    }

    @Test
    void aHugeLineIsDroppedWithoutHoldingIt() {
        StringBuilder big = new StringBuilder("{\"type\":\"result\",\"result\":\"");
        big.append("x".repeat(OutputScanner.MAX_LINE + 10));
        big.append("\",\"usage\":{\"input_tokens\":5}}\n");
        feed(big.toString());
        assertThat(scanner.usage())
                .as("too long to keep: the transcript is the fallback")
                .isEmpty();
        feed(RESULT + "\n");
        assertThat(scanner.usage().orElseThrow().inputTokens()).isEqualTo(100);
    }

    @Test
    void theTapPassesEveryByteUnchanged() throws Exception {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        byte[] withResult = (new String(data, StandardCharsets.ISO_8859_1) + "\n" + RESULT + "\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (InputStream in = scanner.tap(new ByteArrayInputStream(withResult))) {
            assertThat(in.readAllBytes()).isEqualTo(withResult);
        }
        assertThat(scanner.usage().orElseThrow().inputTokens()).isEqualTo(100);
    }

    @Test
    void onlyJsonOutputIsRead() {
        assertThat(OutputScanner.wanted(List.of("-p", "--output-format", "json", "hi"), false))
                .isTrue();
        assertThat(OutputScanner.wanted(List.of("-p", "--output-format=stream-json"), false))
                .isTrue();
        assertThat(OutputScanner.wanted(List.of("-p", "hi"), false)).isFalse();
        assertThat(OutputScanner.wanted(List.of("-p", "--output-format", "text"), false))
                .isFalse();
        assertThat(OutputScanner.wanted(List.of("--output-format", "json"), true))
                .isFalse();
    }
}
