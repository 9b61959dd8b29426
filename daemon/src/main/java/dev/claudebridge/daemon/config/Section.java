package dev.claudebridge.daemon.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One YAML mapping of the configuration file, read key by key. Every read converts the raw scalar
 * itself (so {@code 0660} stays octal and {@code no} stays a string), records a problem with the line
 * and dotted key instead of throwing, and returns the default so that one pass finds every problem.
 * {@link #finish()} reports the keys nobody read: unknown keys are errors.
 */
final class Section {
    private final String path;
    private final Problems problems;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final java.util.Set<String> read = new java.util.HashSet<>();

    Section(String path, Node node, Problems problems) {
        this.path = path;
        this.node = node;
        this.problems = problems;
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
                if (key.isEmpty()) {
                    problems.add(t.getKeyNode(), path, "keys must be plain names");
                } else if (entries.putIfAbsent(key, t) != null) {
                    problems.add(t.getKeyNode(), field(key), "appears twice");
                }
            }
        } else if (!isNull(node)) {
            problems.add(node, path, "expected a mapping of keys to values");
        }
    }

    /** An empty section, for a key the file leaves out. */
    static Section absent(String path, Problems problems) {
        return new Section(
                path, new ScalarNode(Tag.NULL, "", org.snakeyaml.engine.v2.common.ScalarStyle.PLAIN), problems);
    }

    String path() {
        return path;
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    Problems problems() {
        return problems;
    }

    Node node() {
        return node;
    }

    boolean has(String key) {
        return value(key).isPresent();
    }

    Optional<Node> value(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        return t == null || isNull(t.getValueNode()) ? Optional.empty() : Optional.of(t.getValueNode());
    }

    List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    String string(String key, String dflt) {
        return scalar(key).orElse(dflt);
    }

    <T> T parsed(String key, T dflt, Function<String, T> parse) {
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return dflt;
        }
        Optional<String> s = scalarOf(v.get(), field(key));
        if (s.isEmpty()) {
            return dflt;
        }
        try {
            return parse.apply(s.get());
        } catch (IllegalArgumentException | ArithmeticException e) {
            problems.add(v.get(), field(key), e.getMessage());
            return dflt;
        }
    }

    /** A list of scalars (a single scalar counts as a list of one). */
    List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return out;
        }
        if (v.get() instanceof SequenceNode seq) {
            for (Node n : seq.getValue()) {
                scalarOf(n, field(key)).ifPresent(out::add);
            }
        } else {
            scalarOf(v.get(), field(key)).ifPresent(out::add);
        }
        return out;
    }

    /** A list whose items are checked one by one: a bad item is a problem and is left out. */
    <T> List<T> list(String key, java.util.function.BiFunction<ArgumentVocabulary, String, T> item) {
        List<T> out = new ArrayList<>();
        for (String v : strings(key)) {
            try {
                out.add(item.apply(problems.vocabulary, v));
            } catch (IllegalArgumentException e) {
                problems.add(at(key, v), field(key), e.getMessage());
            }
        }
        return out;
    }

    /** The items of a list; each keeps its node for line numbers. */
    List<Node> items(String key) {
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return List.of();
        }
        if (v.get() instanceof SequenceNode seq) {
            return seq.getValue();
        }
        problems.add(v.get(), field(key), "expected a list");
        return List.of();
    }

    /** Where a list's entry {@code value} is written (a problem with it names that line), else the key's value. */
    Node at(String key, String value) {
        Node v = value(key).orElseThrow();
        if (v instanceof SequenceNode seq) {
            for (Node n : seq.getValue()) {
                if (n instanceof ScalarNode sc && sc.getValue().equals(value)) {
                    return n;
                }
            }
        }
        return v;
    }

    Section section(String key) {
        return value(key).map(n -> new Section(field(key), n, problems)).orElseGet(() -> absent(field(key), problems));
    }

    Optional<String> scalar(String key) {
        return value(key).flatMap(n -> scalarOf(n, field(key)));
    }

    private Optional<String> scalarOf(Node n, String field) {
        if (n instanceof ScalarNode s) {
            return Optional.of(isNull(s) ? "" : s.getValue());
        }
        problems.add(n, field, "expected a single value, not a " + (n instanceof SequenceNode ? "list" : "mapping"));
        return Optional.empty();
    }

    /** Reports every key that no reader asked for. */
    void finish() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!read.contains(e.getKey())) {
                problems.add(e.getValue().getKeyNode(), field(e.getKey()), "unknown key" + suggestion());
            }
        }
    }

    private String suggestion() {
        List<String> known = read.stream().sorted().toList();
        return known.isEmpty() ? "" : " (known here: " + String.join(", ", known) + ")";
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode s
                && Tag.NULL.equals(s.getTag())
                && s.isPlain()
                && (s.getValue().isEmpty()
                        || s.getValue().equals("~")
                        || s.getValue().equals("null"));
    }

    /** Collects problems with their lines; holds what the argument entries are checked against. */
    static final class Problems {
        private final String file;
        private final ArgumentVocabulary vocabulary;
        private final List<ConfigProblem> list = new ArrayList<>();

        Problems(String file, ArgumentVocabulary vocabulary) {
            this.file = file;
            this.vocabulary = vocabulary;
        }

        void add(Node at, String field, String message) {
            int line = at.getStartMark().map(m -> m.getLine() + 1).orElse(0);
            list.add(new ConfigProblem(file, line, field, message));
        }

        void add(int line, String field, String message) {
            list.add(new ConfigProblem(file, line, field, message));
        }

        List<ConfigProblem> all() {
            return list.stream()
                    .sorted(java.util.Comparator.comparingInt(ConfigProblem::line))
                    .toList();
        }

        String file() {
            return file;
        }
    }
}
