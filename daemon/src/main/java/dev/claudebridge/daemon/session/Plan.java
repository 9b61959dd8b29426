package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.exec.ClaudeCommand;
import dev.claudebridge.daemon.exec.ProcessSpec;
import dev.claudebridge.daemon.policy.ArgvParser;
import dev.claudebridge.daemon.policy.ParsedArgs;
import dev.claudebridge.daemon.policy.Profile;
import dev.claudebridge.daemon.policy.RequestSizes;
import dev.claudebridge.daemon.sandbox.Sandbox;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a request will run on the host, decided by the caller's profile: size limits, the argument
 * policy, the claude command, the mapped working directory (or a private scratch directory when the
 * profile maps nothing), path options mapped like it, the environment, and what the daemon adds: the
 * configuration claude loads ({@link SettingsControl}) and whose conversations it may reach
 * ({@link ConversationControl}). Closing it removes the scratch directory.
 */
record Plan(
        ProcessSpec spec,
        List<String> envPassed,
        Optional<Path> scratch,
        SpawnPaths paths,
        Optional<Sandbox.Confined> confined)
        implements AutoCloseable {
    /**
     * @param profile the caller's profile; empty refuses the request ({@code access_denied})
     * @param conversations who owns which claude conversation; a new one is recorded here before the plan is returned
     * @throws Refusal when claude is missing, the profile needs a sandbox, or the daemon's own edits refuse the request
     * @throws dev.claudebridge.daemon.policy.Denial when the request breaks the profile's policy, or a path is not mapped
     */
    static Plan of(
            BridgeSettings settings,
            Optional<Profile> profile,
            Peer peer,
            Request request,
            String id,
            Conversations conversations,
            Sandbox sandbox) {
        Profile p = profile.orElseThrow(() -> BridgeSettings.noProfile(peer));
        RequestSizes.check(request, p.config().request(), p.name());
        boolean sandboxed = p.config().sandbox().enabled();
        if (sandboxed && sandbox.problem().isPresent()) {
            throw new Refusal(
                    ErrorCode.POLICY_DENIED,
                    "sandbox",
                    "profile '" + p.name() + "' runs claude in the host-side sandbox, which this host cannot give ("
                            + sandbox.problem().get() + "); the request was not run");
        }
        List<String> argv = p.arguments().admit(request.argv(), request.cwd());
        ParsedArgs parsed = ArgvParser.parse(request.argv()); // its value indexes hold in argv too
        ClaudeCommand claude = settings.claude()
                .locate()
                .orElseThrow(() -> new Refusal(
                        ErrorCode.CLAUDE_NOT_FOUND,
                        "claude is not installed on the host (the bridge looked "
                                + settings.claude().searchDescription()
                                + "). Install Claude Code on the host, or start the daemon with --claude PATH."));
        Optional<Path> scratch = Optional.empty();
        Path cwd;
        if (p.paths().isEmpty()) {
            // no mapping configured: the caller's directory means nothing on the host, so run in an empty private one
            try {
                cwd = Files.createTempDirectory(
                        "claude-bridge-" + id + "-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            scratch = Optional.of(cwd);
        } else {
            cwd = p.paths().mapDirectory(request.cwd());
        }
        Map<String, String> env = p.env().processEnvironment(settings.daemonEnv(), request.env());
        if (sandboxed) {
            env = Sandbox.settingsView(env); // the daemon's settings name the sandbox's HOME, config and API
        }
        String owner = ConversationControl.owner(p.name(), peer);
        SpawnPaths paths = SpawnPaths.of(
                p.paths(), request.cwd(), parsed, argv); // before the daemon's edits: parsed's indexes hold here
        try {
            ConversationControl.Decision conversation =
                    ConversationControl.decide(parsed, argv, conversations, owner, cwd.toString());
            argv = SettingsControl.edit(parsed, argv, p.config(), env)
                    .and(conversation.edit())
                    .apply(argv);
            conversation.record(conversations, owner, cwd.toString());
        } catch (RuntimeException e) {
            new Plan(null, List.of(), scratch, paths, Optional.empty()).close();
            throw e;
        }
        List<String> command = new ArrayList<>(claude.prefix());
        command.addAll(argv);
        List<String> passed = List.copyOf(p.env().passed(request.env()).keySet());
        ProcessSpec spec = new ProcessSpec(command, env, cwd);
        if (!sandboxed) {
            return new Plan(spec, passed, scratch, paths, Optional.empty());
        }
        try {
            Sandbox.Confined c = sandbox.confine(
                    spec,
                    claude.prefix(),
                    passed,
                    owner,
                    id,
                    p.config().sandbox().readOnly(),
                    p.config().sandbox().network(),
                    paths.roots(scratch),
                    daemonFiles(settings));
            return new Plan(c.spec(), passed, scratch, paths, Optional.of(c));
        } catch (dev.claudebridge.daemon.sandbox.CredentialException e) {
            new Plan(null, List.of(), scratch, paths, Optional.empty()).close();
            throw new Refusal(
                    ErrorCode.SPAWN_FAILED,
                    "sandbox",
                    "the sandbox's API proxy has no credential to send for claude (" + e.getMessage()
                            + "); the request was not run. On the host, log in with claude as the daemon's user,"
                            + " or give the daemon a credential: claude.credential-file, or ANTHROPIC_API_KEY or"
                            + " CLAUDE_CODE_OAUTH_TOKEN in its environment");
        } catch (Sandbox.Refused e) {
            new Plan(null, List.of(), scratch, paths, Optional.empty()).close();
            throw new Refusal(ErrorCode.POLICY_DENIED, "sandbox", e.getMessage() + "; the request was not run");
        } catch (RuntimeException e) {
            new Plan(null, List.of(), scratch, paths, Optional.empty()).close();
            throw e;
        }
    }

    /** The daemon's own files, which no sandbox may see even where they lie in a tree it shows. */
    private static List<Path> daemonFiles(BridgeSettings settings) {
        List<Path> out = new ArrayList<>();
        settings.config().source().ifPresent(out::add);
        out.add(settings.config().audit().path().toAbsolutePath().getParent());
        settings.config().claude().credentialFile().ifPresent(out::add);
        return out;
    }

    /** Opens the working directory for the spawn, checking the request's paths again (they may have changed while it waited). */
    dev.claudebridge.daemon.exec.WorkingDirectory pinPaths() {
        return paths.pin(scratch);
    }

    @Override
    public void close() {
        confined.ifPresent(Sandbox.Confined::close);
        scratch.ifPresent(dir -> {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a leftover temp directory is harmless
            }
        });
    }
}
