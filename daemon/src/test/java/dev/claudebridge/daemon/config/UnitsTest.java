package dev.claudebridge.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {
    @ParameterizedTest
    @CsvSource({
        "0,0",
        "500ms,500",
        "5s,5000",
        "2m,120000",
        "1h,3600000",
        "1d,86400000",
        "1h30m,5400000",
        "PT1S,1000",
        "PT0.5S,500"
    })
    void durations(String text, long millis) {
        assertThat(Units.duration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5 s", "s", "-1s", "1x", "1h 30m", "soon"})
    void badDurationsSayWhatIsExpected(String text) {
        assertThatThrownBy(() -> Units.duration(text)).hasMessageContaining("500ms, 5s");
    }

    @ParameterizedTest
    @CsvSource({
        "0,0",
        "4096,4096",
        "10B,10",
        "64KiB,65536",
        "1MiB,1048576",
        "2GiB,2147483648",
        "1KB,1000",
        "1MB,1000000"
    })
    void sizes(String text, long bytes) {
        assertThat(Units.size(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.5MiB", "1mib", "-1", "lots", "1TiB"})
    void badSizesSayWhatIsExpected(String text) {
        assertThatThrownBy(() -> Units.size(text)).hasMessageContaining("64KiB");
    }

    @ParameterizedTest
    @CsvSource({"0660,432", "660,432", "0600,384", "0777,511", "0o640,416"})
    void modes(String text, int mode) {
        assertThat(Units.mode(text)).isEqualTo(mode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0999", "rw-rw----", "06600", "66", ""})
    void badModes(String text) {
        assertThatThrownBy(() -> Units.mode(text)).hasMessageContaining("octal");
    }

    @ParameterizedTest
    @CsvSource({"PT0.5S, 500ms", "PT5S, 5s", "PT10M, 10m", "PT1M30S, 1m30s", "PT2H, 2h", "PT1.5S, 1500ms", "PT0S, 0s"})
    void durationsAreWrittenAsTheFileWritesThem(String iso, String shown) {
        assertThat(Units.formatDuration(Duration.parse(iso))).isEqualTo(shown);
        assertThat(Units.duration(shown)).isEqualTo(Duration.parse(iso));
    }
}
