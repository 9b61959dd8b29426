package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.policy.ClaudeCli;
import dev.claudebridge.daemon.policy.ParsedArgs;
import dev.claudebridge.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Conversations belong to their caller. A new conversation gets an id the daemon chooses
 * ({@code --session-id}) and records as the caller's; {@code --resume ID} and {@code --fork-session}
 * need an id the caller owns; {@code --continue} becomes {@code --resume} of the caller's own latest
 * conversation in that directory (or a new one, as claude does when there is none), so it never picks
 * up another caller's. Resuming by path, by title or through the picker is refused: those reach
 * conversations by something other than an id the daemon can check.
 *
 * @see Conversations
 */
final class ConversationControl {
    /** The rule named in refusals and the audit log. */
    static final String RULE = "conversation-owner";

    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** What to change in the argv, and the claims to record before claude starts. */
    record Decision(ArgvEdit edit, List<String> claims) {
        void record(Conversations records, String owner, String cwd) {
            for (String id : claims) {
                try {
                    records.claim(id, owner, cwd);
                } catch (IllegalStateException e) {
                    throw deny("the session id " + id + " is another caller's conversation");
                } catch (java.io.UncheckedIOException e) {
                    throw unrecorded(e);
                }
            }
        }
    }

    /**
     * Returns once the claims recorded so far are on disk; called after the audit log's start record is
     * forced and before claude starts (why then: {@link Conversations}).
     *
     * @throws Refusal when they cannot be forced
     */
    static void awaitRecorded(Conversations records) {
        try {
            records.awaitDurable();
        } catch (java.io.UncheckedIOException e) {
            throw unrecorded(e);
        }
    }

    /** A conversation nobody could later prove is the caller's must not start. */
    private static Refusal unrecorded(java.io.UncheckedIOException e) {
        return new Refusal(ErrorCode.INTERNAL, RULE, "the bridge could not record the conversation: " + e.getMessage());
    }

    private ConversationControl() {}

    /**
     * @param argv the argv {@code parsed} describes
     * @param owner the caller's identity ({@link #owner})
     * @param cwd the host directory claude will run in
     * @throws Refusal ({@code policy_denied}) for a conversation that is not the caller's, or a form the daemon cannot check
     */
    static Decision decide(ParsedArgs parsed, List<String> argv, Conversations records, String owner, String cwd) {
        if (!parsed.command().isEmpty() || has(parsed, "--version") || has(parsed, "--help")) {
            return new Decision(ArgvEdit.NONE, List.of()); // no conversation: a subcommand, the version or the help
        }
        Optional<ParsedArgs.Use> resume = last(parsed, "--resume");
        Optional<ParsedArgs.Use> cont = last(parsed, "--continue");
        boolean fork = has(parsed, "--fork-session");
        Optional<String> sessionId = last(parsed, "--session-id")
                .flatMap(u -> u.values().isEmpty()
                        ? Optional.empty()
                        : Optional.of(u.values().getLast().text()));
        if (has(parsed, "--from-pr")) {
            throw deny(
                    "--from-pr resumes conversations by pull request, which the bridge cannot check belong to you; resume by session id");
        }
        List<String> prefix = new ArrayList<>();
        Set<Integer> drop = new HashSet<>();
        Map<Integer, String> replace = new java.util.HashMap<>();
        List<String> claims = new ArrayList<>();
        Optional<String> resumed = Optional.empty();
        if (cont.isPresent()) {
            // claude would take the directory's latest conversation, whoever started it: the caller's own latest
            // instead
            for (ParsedArgs.Use u : parsed.options()) {
                if (u.name().equals("--continue")) {
                    remove(u, argv, parsed, drop, replace);
                }
            }
        }
        if (resume.isPresent()) {
            if (resume.get().values().isEmpty()) {
                throw deny(
                        "--resume without a session id opens a picker that lists every conversation in this directory, other callers'"
                                + " included; give the id: --resume SESSION_ID");
            }
            String id = resume.get().values().getLast().text();
            if (id.endsWith(".jsonl") || id.contains("/")) {
                throw deny("--resume by transcript path is not allowed through the bridge; give the session id");
            }
            if (!UUID_FORM.matcher(id).matches()) {
                throw deny("--resume '" + id
                        + "' is not a session id; through the bridge, conversations are resumed by id");
            }
            resumed = Optional.of(id.toLowerCase(Locale.ROOT));
        } else if (cont.isPresent()) {
            resumed = records.latest(owner, cwd); // none: claude would start a new conversation, and so does the bridge
            resumed.ifPresent(id -> prefix.addAll(List.of("--resume", id)));
        }
        if (resumed.isPresent()) {
            String id = resumed.get();
            Optional<String> holder = records.owner(id);
            if (holder.isEmpty() || !holder.get().equals(owner)) {
                throw deny("session " + id
                        + " is not one of your conversations through this bridge (the bridge lets each caller resume"
                        + " only the conversations it started)");
            }
            if (!fork) {
                claims.add(id); // resumed in place: the same id, used again
            }
        }
        boolean continues = resumed.isPresent() && !fork;
        if (!continues && !has(parsed, "--no-session-persistence")) {
            if (sessionId.isPresent()) {
                String id = sessionId.get().toLowerCase(Locale.ROOT);
                if (UUID_FORM.matcher(id).matches()) {
                    Optional<String> holder = records.owner(id);
                    if (holder.isPresent() && !holder.get().equals(owner)) {
                        throw deny("the session id " + id + " is another caller's conversation");
                    }
                    claims.add(id);
                } // else claude refuses it itself
            } else {
                String id = UUID.randomUUID().toString();
                prefix.addAll(List.of("--session-id", id));
                claims.add(id);
            }
        }
        return new Decision(new ArgvEdit(prefix, drop, replace), claims);
    }

    /** The caller's identity for ownership: its profile and what the kernel says about the connection ({@link Peer#identity()}). */
    static String owner(String profile, Peer peer) {
        return profile + " " + peer.identity();
    }

    /** Takes an option out: its own element, or its letter from a cluster of flags like {@code -pc}. */
    private static void remove(
            ParsedArgs.Use u, List<String> argv, ParsedArgs parsed, Set<Integer> drop, Map<Integer, String> replace) {
        String element = replace.getOrDefault(u.index(), argv.get(u.index()));
        if (element.equals(u.spelling()) && u.option().names().contains(element)) {
            drop.add(u.index());
            return;
        }
        boolean flagsOnly = element.matches("-[A-Za-z0-9]+")
                && parsed.options().stream()
                        .filter(o -> o.index() == u.index())
                        .allMatch(o -> o.option().arity() == ClaudeCli.Arity.FLAG);
        String letter = u.option().names().stream()
                .filter(n -> n.length() == 2 && !n.startsWith("--"))
                .findFirst()
                .orElse("");
        if (!flagsOnly || letter.isEmpty() || element.indexOf(letter.charAt(1)) < 1) {
            throw deny("write " + u.name() + " as an argument of its own (not inside '" + element + "')");
        }
        String rest = element.replaceFirst(Pattern.quote(letter.substring(1)), "");
        if (rest.equals("-")) {
            drop.add(u.index());
        } else {
            replace.put(u.index(), rest);
        }
    }

    private static boolean has(ParsedArgs parsed, String name) {
        return parsed.options().stream().anyMatch(u -> u.name().equals(name));
    }

    private static Optional<ParsedArgs.Use> last(ParsedArgs parsed, String name) {
        return parsed.options().stream().filter(u -> u.name().equals(name)).reduce((a, b) -> b);
    }

    static Refusal deny(String message) {
        return new Refusal(ErrorCode.POLICY_DENIED, RULE, message);
    }
}
