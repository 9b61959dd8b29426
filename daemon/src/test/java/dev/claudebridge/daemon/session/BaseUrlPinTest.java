package dev.claudebridge.daemon.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseUrlPinTest {
    @Test
    void managedSettingsOrTheDaemonsEnvironmentPinIt(@TempDir Path dir) throws Exception {
        assertThat(BaseUrlPin.pinnedBy(Map.of(), dir)).isEmpty();
        assertThat(BaseUrlPin.pinnedBy(Map.of("ANTHROPIC_BASE_URL", "http://x"), dir))
                .hasValueSatisfying(s -> s.contains("environment"));
        Files.writeString(dir.resolve("managed-settings.json"), "{\"env\":{\"OTHER\":\"1\"}}");
        assertThat(BaseUrlPin.pinnedBy(Map.of(), dir)).isEmpty();
        Files.createDirectories(dir.resolve("managed-settings.d"));
        Files.writeString(
                dir.resolve("managed-settings.d/10-url.json"), "{\"env\":{\"ANTHROPIC_BASE_URL\":\"https://gw\"}}");
        assertThat(BaseUrlPin.pinnedBy(Map.of(), dir)).hasValueSatisfying(s -> s.contains("10-url.json"));
        assertThat(BaseUrlPin.warning(dir)).contains("managed-settings.json");
    }
}
