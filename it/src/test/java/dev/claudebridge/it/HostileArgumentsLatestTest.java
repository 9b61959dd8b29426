package dev.claudebridge.it;

/** The hostile-argument suite against the newest CLI checked (-Dclaude.latest). */
class HostileArgumentsLatestTest extends HostileArguments {
    @Override
    String cliProperty() {
        return "claude.latest";
    }

    @Override
    boolean readsInitializeAtLaunch() {
        return true;
    }
}
