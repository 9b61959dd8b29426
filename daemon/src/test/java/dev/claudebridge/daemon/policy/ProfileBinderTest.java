package dev.claudebridge.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ConfigLoader;
import dev.claudebridge.protocol.ErrorCode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfileBinderTest {
    private static final BridgeConfig CONFIG = ConfigLoader.parse("""
            listeners:
              - socket: /run/agents.sock
              - socket: /run/ci.sock
                profile: ci
              - socket: /run/strict.sock
                profile: ""
            profiles:
              ci: {}
              builder:
                match: { uids: [builder, 1500] }
              staff:
                match: { gids: [staff] }
            """, Path.of("test.yaml"));
    private static final PeerIds IDS =
            new PeerIds(Map.of("root", 0L, "builder", 1200L), Map.of("root", 0L, "staff", 50L));
    private static final ProfileBinder BINDER = new ProfileBinder(CONFIG, IDS);

    private static String bound(String listener, String user, String group) {
        return BINDER.find(listener, user, group).map(Profile::name).orElse("(none)");
    }

    @Test
    void theSocketDecidesWhenNoPeerRuleMatches() {
        assertThat(bound("/run/agents.sock", "1000", "1000")).isEqualTo("default");
        assertThat(bound("/run/ci.sock", "1000", "1000")).isEqualTo("ci");
        assertThat(bound("/run/strict.sock", "1000", "1000")).isEqualTo("(none)");
        assertThat(bound("/run/gone.sock", "1000", "1000")).isEqualTo("(none)");
    }

    @Test
    void peerRulesMatchNamesAndIdsEitherWay() {
        assertThat(bound("/run/strict.sock", "builder", "1000")).isEqualTo("builder");
        assertThat(bound("/run/agents.sock", "1200", "1000")).isEqualTo("builder"); // the id of the name in the rule
        assertThat(bound("/run/ci.sock", "1500", "1000")).isEqualTo("builder");
        assertThat(bound("/run/strict.sock", "1000", "50")).isEqualTo("staff");
        assertThat(bound("/run/strict.sock", "1000", "staff")).isEqualTo("staff");
        assertThat(bound("/run/strict.sock", "", "")).isEqualTo("(none)");
    }

    @Test
    void noMatchIsAccessDenied() {
        Denial e = catchThrowableOfType(Denial.class, () -> BINDER.bind("/run/strict.sock", "1000", "1000"));
        assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_DENIED);
        assertThat(e.getMessage())
                .contains("uid 1000")
                .contains("/run/strict.sock")
                .contains("match rule");
    }

    @Test
    void idsResolveFromTheHostDatabase() {
        PeerIds system = PeerIds.system();
        assertThat(system.uid("root")).hasValue(0);
        assertThat(system.gid("0")).hasValue(0);
        assertThat(system.uid("no-such-user-here")).isEmpty();
        assertThat(Optional.of(IDS.uid("1500").getAsLong())).contains(1500L);
    }
}
