package dev.claudebridge.client;

/** Entry point of the container client. Every argument belongs to the remote {@code claude}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        // -Dclaudebridge.training: the launcher's one-off run that fills the JDK's AOT cache
        int status = System.getProperty("claudebridge.training") != null
                ? Training.run()
                : BridgeCall.run(Invocation.current(args));
        System.out.flush();
        System.err.flush();
        // halt: nothing to clean up, and the stdin pump may still sit in a blocking read
        Runtime.getRuntime().halt(status);
    }
}
