package dev.claudebridge.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/PROTOCOL.md as the tests read it: its test vectors and its tables. The path comes from the
 * system property {@code protocol.doc}, which the module's pom sets.
 */
final class ProtocolDoc {
    private static final Pattern VECTOR = Pattern.compile("(?m)^### vector: (\\S+)[ \\t]*$");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,3} ");
    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\|(.*)\\|[ \\t]*$");

    /** One vector: its name, the bytes of its {@code hex} block and the text of its {@code frame} block. */
    record Vector(String name, String hex, String frame) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final String text;

    private ProtocolDoc(String text) {
        this.text = text;
    }

    static ProtocolDoc load() throws IOException {
        String property = System.getProperty("protocol.doc");
        if (property == null || property.isBlank()) {
            throw new IllegalStateException(
                    "system property protocol.doc is not set (protocol/pom.xml sets it for surefire)");
        }
        return new ProtocolDoc(Files.readString(Path.of(property), StandardCharsets.UTF_8));
    }

    List<Vector> vectors() {
        List<Vector> vectors = new ArrayList<>();
        Matcher m = VECTOR.matcher(text);
        while (m.find()) {
            String section = sectionFrom(m.end());
            vectors.add(
                    new Vector(m.group(1), fenced(section, "hex", m.group(1)), fenced(section, "frame", m.group(1))));
        }
        return vectors;
    }

    /**
     * The cells of every table row in the section whose heading contains {@code title}, header and
     * separator rows excluded.
     */
    List<List<String>> tableRows(String title) {
        Matcher h = Pattern.compile("(?m)^#{2,3} [^\\n]*" + Pattern.quote(title) + "[^\\n]*$")
                .matcher(text);
        if (!h.find()) {
            throw new IllegalStateException("no section titled '" + title + "' in the protocol document");
        }
        List<List<String>> rows = new ArrayList<>();
        // box diagrams in code blocks look like table rows: leave them out
        Matcher r = TABLE_ROW.matcher(sectionFrom(h.end()).replaceAll("(?ms)^```.*?^```[ \\t]*$", ""));
        while (r.find()) {
            List<String> cells = new ArrayList<>();
            for (String c : r.group(1).split("\\|", -1)) {
                cells.add(c.strip());
            }
            if (cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
                rows.remove(rows.size() - 1); // the row above a separator names the columns
            } else {
                rows.add(cells);
            }
        }
        return rows;
    }

    private String sectionFrom(int start) {
        Matcher next = HEADING.matcher(text);
        return text.substring(start, next.find(start) ? next.start() : text.length());
    }

    private static String fenced(String section, String info, String vector) {
        Matcher m = Pattern.compile("(?ms)^```" + info + "[ \\t]*\\n(.*?)^```[ \\t]*$")
                .matcher(section);
        if (!m.find()) {
            throw new IllegalStateException("vector " + vector + " has no ```" + info + " block");
        }
        return m.group(1);
    }
}
