package dev.claudebridge.client;

/**
 * Loads the client's JNI helper (src/main/c/unixsocket.c) from the directory the launcher names in
 * {@code -Dclaudebridge.native}, which holds one {@code linux-ARCH} folder per architecture. Without it
 * the client still works: it connects through the JDK (slower to start) and runs without a terminal.
 */
final class NativeLibrary {
    static final boolean LOADED = load();

    private NativeLibrary() {}

    private static boolean load() {
        String dir = System.getProperty("claudebridge.native", "");
        if (dir.isEmpty() || !"Linux".equals(System.getProperty("os.name"))) {
            return false;
        }
        String arch = System.getProperty("os.arch");
        String lib = dir + "/linux-" + ("amd64".equals(arch) ? "x86_64" : arch) + "/libclaudebridge.so";
        try {
            System.load(lib);
            return true;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return false;
        }
    }
}
