package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.policy.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code claude-bridge token NAME}: a new bearer token for one agent. The token goes to a file only the
 * agent reads (or stdout); the line for the listener's {@code tokens:} list (its name and hash) to
 * stdout. With {@code --hash}, hashes a token read from stdin instead.
 */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Make a bearer token for an agent on another host: prints the tokens: entry (NAME=sha256:HEX)"
                + " for a TLS listener's configuration.")
final class TokenCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "NAME",
            description = "The token's name, as audit records and match rules show it.")
    String name;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Write the token to FILE (mode 0600) instead of printing it.")
    Path out;

    @Option(names = "--hash", description = "Read an existing token from stdin and print only its entry.")
    boolean hash;

    @Override
    public Integer call() throws IOException {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            System.err.println("claude-bridge: a token name is letters, digits, '.', '_' or '-' (at most 64)");
            return 2;
        }
        String token = hash ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip() : Tokens.generate();
        if (token.isEmpty()) {
            System.err.println("claude-bridge: no token on stdin");
            return 2;
        }
        if (!hash) {
            if (out != null) {
                Files.deleteIfExists(out);
                Files.createFile(
                        out,
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                Files.writeString(out, token + "\n");
            } else {
                System.err.println("token (give it to the agent, e.g. in the file CLAUDE_BRIDGE_TOKEN_FILE names):");
                System.err.println(token);
            }
        }
        System.out.println(name + "=" + Tokens.hash(token));
        return 0;
    }
}
