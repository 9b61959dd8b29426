package dev.claudebridge.dist;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One service of a compose file, with its volumes and environment in either of compose's two syntaxes. */
record ComposeService(String name, Node node) {

    /** A bind mount: {@code SOURCE:TARGET[:ro]} or the long form with {@code read_only}. */
    record Mount(String source, String target, boolean readOnly) {}

    List<Mount> mounts() {
        List<Mount> out = new ArrayList<>();
        for (Node v : node.find("volumes").map(Node::list).orElse(List.of())) {
            if (v.isMap()) {
                boolean ro = v.find("read_only")
                        .map(n -> Boolean.parseBoolean(n.text()))
                        .orElse(false);
                out.add(new Mount(v.get("source").text(), v.get("target").text(), ro));
            } else {
                String[] parts = v.text().split(":");
                if (parts.length < 2) {
                    throw new AssertionError(v.path() + ": not SOURCE:TARGET[:MODE]: " + v.text());
                }
                boolean ro = parts.length > 2 && List.of(parts[2].split(",")).contains("ro");
                out.add(new Mount(parts[0], parts[1], ro));
            }
        }
        return out;
    }

    Optional<Mount> mountAt(String target) {
        return mounts().stream().filter(m -> m.target().equals(target)).findFirst();
    }

    Optional<Mount> mountOf(String source) {
        return mounts().stream().filter(m -> m.source().equals(source)).findFirst();
    }

    Map<String, String> environment() {
        Map<String, String> out = new LinkedHashMap<>();
        node.find("environment").ifPresent(env -> {
            if (env.isMap()) {
                env.entries().forEach((k, v) -> out.put(k, v.text()));
            } else {
                for (String kv : env.strings()) {
                    int eq = kv.indexOf('=');
                    out.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
                }
            }
        });
        return out;
    }

    List<String> command() {
        return node.find("command").map(Node::strings).orElse(List.of());
    }

    /** The value after {@code option} in the command. */
    Optional<String> option(String option) {
        List<String> cmd = command();
        int i = cmd.indexOf(option);
        return i >= 0 && i + 1 < cmd.size() ? Optional.of(cmd.get(i + 1)) : Optional.empty();
    }

    List<String> profiles() {
        return node.find("profiles").map(Node::strings).orElse(List.of());
    }
}
