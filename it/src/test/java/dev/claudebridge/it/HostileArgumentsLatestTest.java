package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The hostile-argument suite's positive controls against the newest CLI checked (-Dclaude.latest), and
 * the newest Agent SDK's launch flag, which only this CLI knows (the settings it could carry are
 * refused in {@link HostileArgumentsPinnedTest}).
 */
class HostileArgumentsLatestTest extends HostileArguments {
    @Override
    String cliProperty() {
        return "claude.latest";
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void theNewestAgentSdksLaunchFlagRuns() {
        byte[] stdin =
                ("{\"type\":\"control_request\",\"request_id\":\"init-1\",\"request\":{\"subtype\":\"initialize\"}}\n"
                                + USER_MESSAGE)
                        .getBytes(StandardCharsets.UTF_8);
        Call c = call(stdin, streamJson("--model=claude-sonnet-4-5", "--await-initialize"));
        assertThat(c.end().path("decision").asText()).as("%s", c.result()).isEqualTo("allowed");
        assertThat(c.result().status()).as("%s", c.result()).isZero();
        assertThat(c.result().out()).contains("\"request_id\":\"init-1\"").contains(MessagesStandIn.REPLY);
    }
}
