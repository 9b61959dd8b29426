package dev.claudebridge.daemon.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Changes the daemon makes to a caller's argv: arguments it puts in front (before any {@code --}, any
 * operand and any subcommand, where claude reads them as its own options), argv elements it removes,
 * and elements it rewrites in place (a short-option cluster that loses one letter).
 */
record ArgvEdit(List<String> prefix, Set<Integer> drop, Map<Integer, String> replace) {
    static final ArgvEdit NONE = new ArgvEdit(List.of(), Set.of(), Map.of());

    ArgvEdit {
        prefix = List.copyOf(prefix);
        drop = Set.copyOf(drop);
        replace = Map.copyOf(replace);
    }

    ArgvEdit and(ArgvEdit other) {
        List<String> p = new ArrayList<>(prefix);
        p.addAll(other.prefix);
        Set<Integer> d = new HashSet<>(drop);
        d.addAll(other.drop);
        Map<Integer, String> r = new HashMap<>(replace);
        r.putAll(other.replace);
        return new ArgvEdit(p, d, r);
    }

    List<String> apply(List<String> argv) {
        List<String> out = new ArrayList<>(prefix);
        for (int i = 0; i < argv.size(); i++) {
            if (!drop.contains(i)) {
                out.add(replace.getOrDefault(i, argv.get(i)));
            }
        }
        return out;
    }
}
