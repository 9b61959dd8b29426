package dev.claudebridge.daemon.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * User and group names to numeric ids, from {@code /etc/passwd} and {@code /etc/group}. The JDK gives
 * a peer's credentials as names when the host knows the id, and as the number when it does not (as
 * for most container users); rules in the configuration may use either. Read once per configuration
 * snapshot, so a reload also picks up new users.
 */
public final class PeerIds {
    private final Map<String, Long> users;
    private final Map<String, Long> groups;

    public PeerIds(Map<String, Long> users, Map<String, Long> groups) {
        this.users = Map.copyOf(users);
        this.groups = Map.copyOf(groups);
    }

    /** The host's users and groups; empty maps when the files cannot be read (numeric ids still work). */
    public static PeerIds system() {
        return new PeerIds(read(Path.of("/etc/passwd")), read(Path.of("/etc/group")));
    }

    /** The numeric uid for a name or a number. */
    public OptionalLong uid(String nameOrId) {
        return id(nameOrId, users);
    }

    /** The numeric gid for a name or a number. */
    public OptionalLong gid(String nameOrId) {
        return id(nameOrId, groups);
    }

    private static OptionalLong id(String nameOrId, Map<String, Long> names) {
        if (!nameOrId.isEmpty() && nameOrId.chars().allMatch(Character::isDigit)) {
            try {
                return OptionalLong.of(Long.parseLong(nameOrId));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        Long id = names.get(nameOrId);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** Whether a peer's user or group (name or id) is one of the rule's entries (names or ids). */
    static boolean matches(
            String peer, List<String> entries, java.util.function.Function<String, OptionalLong> resolve) {
        if (peer.isEmpty()) {
            return false;
        }
        OptionalLong p = resolve.apply(peer);
        for (String e : entries) {
            OptionalLong id = resolve.apply(e);
            if (e.equals(peer) || (p.isPresent() && id.isPresent() && p.getAsLong() == id.getAsLong())) {
                return true;
            }
        }
        return false;
    }

    /** name:x:id:... lines, as passwd and group both have them. */
    private static Map<String, Long> read(Path file) {
        Map<String, Long> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && !f[0].isEmpty()) {
                    try {
                        out.putIfAbsent(f[0], Long.parseLong(f[2]));
                    } catch (NumberFormatException e) {
                        // a comment or a malformed line
                    }
                }
            }
        } catch (IOException e) {
            // no local database: numeric ids still match
        }
        return out;
    }
}
