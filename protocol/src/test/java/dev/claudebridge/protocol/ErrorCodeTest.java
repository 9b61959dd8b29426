package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The exit statuses a caller sees must tell every failure apart from each other and from a signal death. */
class ErrorCodeTest {

    @Test
    void wireNamesAndStatusesAreDistinct() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::wireName)).doesNotHaveDuplicates();
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::exitStatus)).doesNotHaveDuplicates();
    }

    @Test
    void statusesAreBelow128SoTheyNeverLookLikeADeathBySignal() {
        assertThat(ErrorCode.values())
                .allSatisfy(c -> assertThat(c.exitStatus()).as(c.wireName()).isBetween(1, 127));
    }

    @Test
    void wireNameLooksUpItsCodeAndUnknownNamesAreInternal() {
        assertThat(ErrorCode.values())
                .allSatisfy(c -> assertThat(ErrorCode.ofWireName(c.wireName())).isEqualTo(c));
        assertThat(ErrorCode.ofWireName("no_such_code")).isEqualTo(ErrorCode.INTERNAL);
    }
}
