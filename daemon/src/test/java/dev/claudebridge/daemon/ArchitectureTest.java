package dev.claudebridge.daemon;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering docs/ARCHITECTURE.md describes, kept by a test: configuration is a leaf; the process
 * runner knows nothing of sockets or sessions; the wire codec nothing of the daemon; policy is plain
 * functions; only the transports (and the HTTP servers: the admin side's, the sandbox's proxies) touch sockets; audit,
 * admin and admission plug into the session engine, which knows none of them; the credential proxy
 * knows nothing of sessions or policy.
 *
 * <p>A rule marked TEMPORARY names the classes that break it today while the change that fixes them is
 * under way; remove the exception when that change lands, so the rule holds for everything.
 */
class ArchitectureTest {
    private static final String DAEMON = "dev.claudebridge.daemon";
    private static JavaClasses daemon;
    private static JavaClasses all;

    @BeforeAll
    static void load() {
        daemon = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(DAEMON);
        all = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.claudebridge");
    }

    private static String pkg(String name) {
        return DAEMON + "." + name + "..";
    }

    @Test
    void configImportsNoOtherDaemonPackage() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage(pkg("config"))
                .should()
                .dependOnClassesThat(describe(
                        "are in another daemon package",
                        (JavaClass c) -> c.getPackageName().startsWith(DAEMON + ".")
                                && !c.getPackageName().startsWith(DAEMON + ".config")));
        rule.check(daemon);
    }

    @Test
    void execKnowsNothingOfSocketsOrSessions() {
        noClasses()
                .that()
                .resideInAPackage(pkg("exec"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        pkg("session"),
                        pkg("transport"),
                        pkg("admission"),
                        pkg("admin"),
                        pkg("audit"),
                        pkg("cli"),
                        pkg("policy"))
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage("jdk.net..")
                .orShould()
                .dependOnClassesThat(sockets())
                .check(daemon);
    }

    @Test
    void theProtocolKnowsNothingOfTheDaemon() {
        noClasses()
                .that()
                .resideInAPackage("dev.claudebridge.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.claudebridge.daemon..", "dev.claudebridge.client..")
                .check(all);
    }

    @Test
    void policyIsPlainFunctions() {
        noClasses()
                .that()
                .resideInAPackage(pkg("policy"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        pkg("exec"), pkg("transport"), pkg("admin"), pkg("admission"), pkg("audit"), pkg("cli"))
                .orShould()
                .dependOnClassesThat(socketChannels())
                .check(daemon);
    }

    /** The admin side's HTTP server and the sandbox's proxies (whose job is reaching addresses) are Jetty servers. */
    @Test
    void onlyTransportsTouchSockets() {
        noClasses()
                .that()
                .resideOutsideOfPackages(pkg("transport"), pkg("admin"), pkg("sandbox"))
                .should()
                .dependOnClassesThat(sockets())
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage("jdk.net..")
                .check(daemon);
    }

    @Test
    void theSessionEngineKnowsNoneOfItsListeners() {
        noClasses()
                .that()
                .resideInAPackage(pkg("session"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(pkg("audit"), pkg("admin"), pkg("admission"), pkg("transport"), pkg("cli"))
                .check(daemon);
    }

    @Test
    void auditAndAdminPlugInAsSessionListeners() {
        classes()
                .that()
                .resideInAnyPackage(pkg("audit"), pkg("admin"))
                .and()
                .implement(describe(
                        "a session-engine interface",
                        (JavaClass c) -> c.getPackageName().equals(DAEMON + ".session") && c.isInterface()))
                .should()
                .implement(DAEMON + ".session.SessionListener")
                .allowEmptyShould(true)
                .check(daemon);
    }

    /** The sandbox turns a process spec (exec) into a confined one; who asks for it, and why, it does not know. */
    @Test
    void theSandboxKnowsNothingOfSessionsOrPolicy() {
        noClasses()
                .that()
                .resideInAPackage(pkg("sandbox"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        pkg("session"),
                        pkg("policy"),
                        pkg("admission"),
                        pkg("audit"),
                        pkg("admin"),
                        pkg("cli"),
                        pkg("config"))
                .check(daemon);
    }

    /** Sockets of any kind: channels, java.net sockets and their addresses (a URL is not one). */
    private static com.tngtech.archunit.base.DescribedPredicate<JavaClass> sockets() {
        return describe(
                "are sockets",
                (JavaClass c) -> c.isAssignableTo(java.nio.channels.NetworkChannel.class)
                        || c.isAssignableTo(java.net.Socket.class)
                        || c.isAssignableTo(java.net.ServerSocket.class)
                        || c.isAssignableTo(java.net.DatagramSocket.class)
                        || c.isAssignableTo(java.net.SocketAddress.class));
    }

    private static com.tngtech.archunit.base.DescribedPredicate<JavaClass> socketChannels() {
        return describe(
                "are socket channels", (JavaClass c) -> c.isAssignableTo(java.nio.channels.NetworkChannel.class));
    }
}
