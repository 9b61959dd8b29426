package dev.claudebridge.dist;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Read-only navigation over parsed YAML; a missing key or a wrong type fails with the path to it. */
record Node(Object value, String path) {

    /** Every document of a YAML file (a Kubernetes manifest may hold several). */
    static List<Node> loadAll(Path file) {
        List<Node> docs = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file)) {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(r)) {
                if (doc != null) {
                    docs.add(new Node(doc, file.getFileName() + "#" + docs.size()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static Node load(Path file) {
        List<Node> docs = loadAll(file);
        if (docs.size() != 1) {
            throw new AssertionError(file + " should hold one YAML document, has " + docs.size());
        }
        return docs.getFirst();
    }

    Node get(String key) {
        return find(key).orElseThrow(() -> new AssertionError(path + " has no " + key));
    }

    Optional<Node> find(String key) {
        Object v = map().get(key);
        return v == null ? Optional.empty() : Optional.of(new Node(v, path + "." + key));
    }

    Map<String, Node> entries() {
        Map<String, Node> out = new LinkedHashMap<>();
        map().forEach((k, v) -> out.put(String.valueOf(k), new Node(v, path + "." + k)));
        return out;
    }

    List<Node> list() {
        if (!(value instanceof List<?> l)) {
            throw new AssertionError(path + " is not a list: " + value);
        }
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(new Node(l.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    List<String> strings() {
        return list().stream().map(Node::text).toList();
    }

    String text() {
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new AssertionError(path + " is not a scalar: " + value);
        }
        return String.valueOf(value);
    }

    boolean isMap() {
        return value instanceof Map<?, ?>;
    }

    private Map<?, ?> map() {
        if (!(value instanceof Map<?, ?> m)) {
            throw new AssertionError(path + " is not a mapping: " + value);
        }
        return m;
    }
}
