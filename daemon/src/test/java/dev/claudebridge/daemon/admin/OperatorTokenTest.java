package dev.claudebridge.daemon.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorTokenTest {
    @TempDir
    Path dir;

    @Test
    void theFirstStartMakesAnOwnerOnlyTokenAndLaterStartsKeepIt() throws IOException {
        Path file = dir.resolve("state/operator-token");
        OperatorToken first = OperatorToken.loadOrCreate(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        String token = OperatorToken.read(file);
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        OperatorToken again = OperatorToken.loadOrCreate(file);
        assertThat(OperatorToken.read(file)).isEqualTo(token);
        assertThat(first.accepts("Bearer " + token)).isTrue();
        assertThat(again.accepts("bearer " + token)).isTrue();
        assertThat(again.accepts("Bearer " + token + "x")).isFalse();
        assertThat(again.accepts(token)).isFalse();
        assertThat(again.accepts("Basic " + token)).isFalse();
        assertThat(again.accepts(null)).isFalse();
    }

    @Test
    void aTokenOthersCanReadIsRefused() throws IOException {
        Path file = dir.resolve("operator-token");
        Files.writeString(file, "a-token-that-is-long-enough\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> OperatorToken.loadOrCreate(file))
                .hasMessageContaining("other users may read or change")
                .hasMessageContaining("chmod 600");
    }

    @Test
    void aShortTokenIsRefused() throws IOException {
        Path file = dir.resolve("operator-token");
        Files.writeString(file, "short\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> OperatorToken.loadOrCreate(file)).hasMessageContaining("holds no token");
    }
}
