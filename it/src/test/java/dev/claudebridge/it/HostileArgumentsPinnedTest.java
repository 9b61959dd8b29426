package dev.claudebridge.it;

/** The hostile-argument suite against the pinned CLI (-Dclaude.real). */
class HostileArgumentsPinnedTest extends HostileArguments {
    @Override
    String cliProperty() {
        return "claude.real";
    }
}
