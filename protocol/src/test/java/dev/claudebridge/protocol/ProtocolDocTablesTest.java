package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The tables of docs/PROTOCOL.md say what the code does: error codes, frame types and limits, signals. */
class ProtocolDocTablesTest {

    @Test
    void errorCodeTableListsExactlyTheEnumWithItsExitStatuses() throws IOException {
        List<List<String>> rows = ProtocolDoc.load().tableRows("Error codes");
        Map<String, Integer> documented = new TreeMap<>();
        for (List<String> row : rows) {
            assertThat(row)
                    .as("row %s: | `wire_name` | status | meaning |", row)
                    .hasSize(3);
            assertThat(row.get(0)).as("wire name cell").matches("`[a-z_]+`");
            assertThat(row.get(2)).as("meaning of %s", row.get(0)).isNotBlank();
            documented.put(row.get(0).replace("`", ""), Integer.parseInt(row.get(1)));
        }

        assertThat(rows).as("one row per code").hasSize(ErrorCode.values().length);
        assertThat(documented).isEqualTo(byName(ErrorCode.values(), ErrorCode::wireName, ErrorCode::exitStatus));
    }

    @Test
    void frameTypeTableHasEveryCodeAndLimit() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        for (List<String> row : ProtocolDoc.load().tableRows("Frame types")) {
            String limit = row.get(4).replaceAll("^([0-9]+).*", "$1");
            documented.put(row.get(1), row.get(0) + " " + limit);
        }

        assertThat(documented)
                .isEqualTo(byName(
                        FrameType.values(),
                        FrameType::name,
                        t -> String.format("`0x%02x` %d", t.code(), Frame.maxPayload(t))));
    }

    @Test
    void signalTableListsExactlyTheForwardableSignals() throws IOException {
        Map<String, Integer> documented = new TreeMap<>();
        for (List<String> row : ProtocolDoc.load().tableRows("SIGNAL")) {
            documented.put(row.get(0), Integer.parseInt(row.get(1)));
        }

        assertThat(documented).isEqualTo(byName(Signal.values(), Signal::name, Signal::number));
    }

    private static <E, V> Map<String, V> byName(E[] values, Function<E, String> name, Function<E, V> value) {
        return Arrays.stream(values).collect(Collectors.toMap(name, value, (a, b) -> a, TreeMap::new));
    }
}
