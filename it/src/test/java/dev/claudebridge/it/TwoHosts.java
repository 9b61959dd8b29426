package dev.claudebridge.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two "hosts" for the network transports: the agent's in a network namespace, joined to this one by a
 * veth pair ({@code 10.231.N.1} here, {@code 10.231.N.2} there), so a client run with {@link #agent()}
 * in front of its command reaches the bridge only across that link. Made once per test JVM on first use,
 * with a server certificate of the shared PKI for the link's address; removed (by the names made here)
 * when the JVM exits. Where namespaces cannot be made (not root), both "hosts" are this one: the bridge
 * listens on 127.0.0.1 and the clients run here, as said once on stderr.
 */
final class TwoHosts {
    private static final long PID = ProcessHandle.current().pid();
    private static TwoHosts made;

    /** The address the bridge listens on: the link's end on this side, or 127.0.0.1. */
    final String hostAddress;

    /** The shared PKI's leaf for {@link #hostAddress}. */
    final String serverCertificate;

    /** Whether the agent's host is another namespace (false: the loopback fallback). */
    final boolean linked;

    private final List<String> agent;

    private TwoHosts(String hostAddress, String serverCertificate, List<String> agent) {
        this.hostAddress = hostAddress;
        this.serverCertificate = serverCertificate;
        this.agent = agent;
        this.linked = !agent.isEmpty();
    }

    /** The pair of this test JVM, made now unless made already. */
    static synchronized TwoHosts shared() {
        if (made == null) {
            made = make();
        }
        return made;
    }

    /** What goes in front of a command to run it on the agent's host: {@code ip netns exec NS}, or nothing. */
    List<String> agent() {
        return agent;
    }

    /** {@code cmd} run on the agent's host. */
    List<String> onAgent(List<String> cmd) {
        List<String> all = new ArrayList<>(agent);
        all.addAll(cmd);
        return all;
    }

    private static TwoHosts make() {
        String ns = "cbit" + PID;
        String hostIf = "cbh" + PID;
        String agentIf = "cba" + PID;
        if (run("ip", "netns", "add", ns) != 0) {
            return loopback("cannot make a network namespace (needs root or CAP_NET_ADMIN, and iproute2)");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            run("ip", "link", "del", hostIf); // takes its peer in the namespace with it
            run("ip", "netns", "del", ns);
        }));
        try {
            int net = freeSubnet();
            String hostIp = "10.231." + net + ".1";
            must("ip", "link", "add", hostIf, "type", "veth", "peer", "name", agentIf);
            must("ip", "link", "set", agentIf, "netns", ns);
            must("ip", "addr", "add", hostIp + "/30", "dev", hostIf);
            must("ip", "link", "set", hostIf, "up");
            must("ip", "netns", "exec", ns, "ip", "addr", "add", "10.231." + net + ".2/30", "dev", agentIf);
            must("ip", "netns", "exec", ns, "ip", "link", "set", agentIf, "up");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            // the shared CA signs a server certificate for the link's address alone
            TestPki.shared().leaf("link-server", "CN=bridge", "ip:" + hostIp, false);
            return new TwoHosts(hostIp, "link-server", List.of("ip", "netns", "exec", ns));
        } catch (IllegalStateException e) {
            return loopback(e.getMessage()); // what was made goes at exit, with the rest
        }
    }

    /** Both "hosts" this one, said once: the suites still run, on 127.0.0.1. */
    private static TwoHosts loopback(String why) {
        System.err.println("TwoHosts: " + why + ": the network transports run on 127.0.0.1 in this namespace");
        return new TwoHosts("127.0.0.1", "server", List.of());
    }

    /** A 10.231.N.0/30 no interface here has yet (other test JVMs make theirs too), starting from our PID's. */
    private static int freeSubnet() {
        String addresses = output("ip", "-o", "addr");
        for (int i = 0; i < 200; i++) {
            int net = (int) ((PID + i) % 200) + 20;
            if (!addresses.contains(" 10.231." + net + ".")) {
                return net;
            }
        }
        throw new IllegalStateException("every 10.231.N.0/30 of the test range is taken: " + addresses);
    }

    private static void must(String... cmd) {
        if (run(cmd) != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }

    private static int run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String output(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
