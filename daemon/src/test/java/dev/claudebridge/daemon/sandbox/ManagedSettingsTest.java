package dev.claudebridge.daemon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's copy of the host's managed settings: only a pinned API address changes. */
class ManagedSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void aPinnedAddressBecomesTheProxysAndEverythingElseStays() throws Exception {
        Path managed = Files.createDirectories(tmp.resolve("etc/managed-settings.d"));
        Files.writeString(
                managed.resolveSibling("managed-settings.json"),
                "{\"env\":{\"ANTHROPIC_BASE_URL\":\"https://gateway.example\",\"OTHER\":\"1\"},"
                        + "\"permissions\":{\"deny\":[\"Bash(curl:*)\"]}}");
        Files.writeString(managed.resolve("10-team.json"), "{\"model\":\"sonnet\"}");

        Path view =
                ManagedSettings.view(tmp.resolve("etc"), tmp.resolve("view")).orElseThrow();

        String main = Files.readString(view.resolve("managed-settings.json"));
        assertThat(main)
                .contains(CredentialProxy.BASE_URL)
                .doesNotContain("gateway.example")
                .contains("\"OTHER\":\"1\"")
                .contains("Bash(curl:*)");
        assertThat(view.resolve("managed-settings.d/10-team.json")).hasContent("{\"model\":\"sonnet\"}");
    }

    @Test
    void withoutAPinTheHostsAreShownAsTheyAre() throws Exception {
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(etc.resolve("managed-settings.json"), "{\"model\":\"sonnet\"}");
        assertThat(ManagedSettings.view(etc, tmp.resolve("view"))).isEmpty();
        assertThat(ManagedSettings.view(tmp.resolve("missing"), tmp.resolve("view2")))
                .isEmpty();
    }
}
