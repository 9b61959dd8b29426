package dev.claudebridge.client;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this process was asked to do, taken byte-exact. A JVM decodes argv, the environment and the
 * working directory with the locale's charset, so under the C/POSIX locale of many images every
 * non-ASCII character becomes '?'. In that case the raw bytes are read from /proc/self instead.
 */
record Invocation(List<String> argv, Map<String, String> env, String cwd, List<String> sockets, String clientName) {
    static final String SOCKET_VARIABLE = "CLAUDE_BRIDGE_SOCKET";
    static final String DEFAULT_SOCKET = "/host/claude-bridge.sock";
    static final String URL_VARIABLE = "CLAUDE_BRIDGE_URL";

    static Invocation current(String[] args) {
        boolean lossy = !Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"))
                .equals(StandardCharsets.UTF_8);
        List<String> argv = lossy ? rawArgs(args) : Arrays.asList(args);
        Map<String, String> env = lossy ? rawEnv() : System.getenv();
        String cwd = System.getProperty("user.dir");
        if (lossy && cwd.indexOf('?') >= 0 && env.getOrDefault("PWD", "").startsWith("/")) {
            cwd = env.get("PWD");
        }
        List<String> socketList = bridges(env);
        if (socketList.isEmpty()) {
            socketList.add(DEFAULT_SOCKET);
        }
        String name = env.getOrDefault("CLAUDE_BRIDGE_CLIENT_NAME", env.getOrDefault("HOSTNAME", ""));
        return new Invocation(argv, env, cwd, socketList, name);
    }

    /**
     * The bridges to try, in order: {@code CLAUDE_BRIDGE_URL} ({@code unix:///PATH}, {@code tls://HOST:PORT} or {@code wss://HOST:PORT},
     * comma-separated) when set, else {@code CLAUDE_BRIDGE_SOCKET} (paths). A socket is kept as its path,
     * a TLS or WebSocket bridge as its URL.
     */
    static List<String> bridges(Map<String, String> env) {
        String urls = env.getOrDefault(URL_VARIABLE, "");
        List<String> out = new ArrayList<>();
        for (String s : (urls.isBlank() ? env.getOrDefault(SOCKET_VARIABLE, "") : urls).split(",")) {
            String b = s.trim();
            if (!b.isEmpty()) {
                out.add(b.startsWith("unix://") ? b.substring("unix://".length()) : b);
            }
        }
        return out;
    }

    /** The last {@code args.length} entries of /proc/self/cmdline: this program's own arguments. */
    private static List<String> rawArgs(String[] args) {
        List<String> all = nulSeparated("/proc/self/cmdline");
        if (all.size() < args.length) {
            return Arrays.asList(args);
        }
        return all.subList(all.size() - args.length, all.size());
    }

    private static Map<String, String> rawEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : nulSeparated("/proc/self/environ")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return env.isEmpty() ? System.getenv() : env;
    }

    private static List<String> nulSeparated(String file) {
        List<String> out = new ArrayList<>();
        byte[] b;
        try {
            b = Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return out;
        }
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }
}
