package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Both sides of the handshake against each other over a real Unix domain socket. */
@Timeout(60)
class HandshakeTest {
    private static final Request REQUEST =
            new Request(List.of("-p", "hi"), Map.of("TERM", "dumb"), "/work", Optional.empty(), "test");

    @TempDir
    java.nio.file.Path dir;

    private SocketPair pair;
    private ClientHandshake client;
    private ServerHandshake daemon;

    @BeforeEach
    void connect() throws Exception {
        pair = new SocketPair(dir);
        client = new ClientHandshake(pair.client.reader(), pair.client.writer());
        daemon = new ServerHandshake(pair.daemon.reader(), pair.daemon.writer(), "claude-bridge/test");
    }

    @AfterEach
    void close() throws Exception {
        pair.close();
    }

    /** Runs the daemon's side on its own thread. */
    private static <T> CompletableFuture<T> daemonSide(Callable<T> side) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(side.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return result;
    }

    @Test
    void queuedNoticesComeBeforeStartedAndTheFirstCreditFollowsIt() throws Exception {
        CompletableFuture<Request> served = daemonSide(() -> {
            Hello hello = daemon.readHello().orElseThrow();
            assertThat(hello.token()).isEmpty();
            daemon.accept();
            Request r = daemon.readRequest().orElseThrow();
            daemon.queued(new Queued(2, 3));
            daemon.queued(new Queued(1, 3, "the login's limit resets at 14:00"));
            daemon.start();
            daemon.queued(new Queued(1, 1)); // too late: dropped, never after STARTED
            daemon.refuse(BridgeError.of(ErrorCode.INTERNAL, "a later failure")); // an ERROR may follow
            return r;
        });
        List<Queued> notices = new ArrayList<>();

        ClientHandshake.Outcome outcome = client.open(new Hello(Hello.VERSION, "client/test"), REQUEST, notices::add);

        assertThat(outcome).isInstanceOf(ClientHandshake.Started.class);
        assertThat(notices).containsExactly(new Queued(2, 3), new Queued(1, 3, "the login's limit resets at 14:00"));
        assertThat(served.get(30, TimeUnit.SECONDS)).isEqualTo(REQUEST);
        assertThat(StdinCredit.fromFrame(pair.client.reader().read().orElseThrow()))
                .isEqualTo(new StdinCredit(StdinCredit.INITIAL));
        assertThat(pair.client.reader().read().orElseThrow().type()).isEqualTo(FrameType.ERROR);
    }

    @Test
    void aTokenTravelsInTheHelloAndNeverShowsInItsText() throws Exception {
        CompletableFuture<Hello> served = daemonSide(() -> {
            Hello h = daemon.readHello().orElseThrow();
            daemon.accept();
            return h;
        });

        ClientHandshake.Outcome outcome =
                client.greet(new Hello(Hello.VERSION, "client/test", Optional.of("s3cret-token")));

        Hello seen = served.get(30, TimeUnit.SECONDS);
        assertThat(seen.token()).contains("s3cret-token");
        assertThat(seen.software()).isEqualTo("client/test");
        assertThat(seen.toString()).doesNotContain("s3cret");
        assertThat(outcome).isInstanceOf(ClientHandshake.Greeted.class);
        Hello answer = ((ClientHandshake.Greeted) outcome).daemon();
        assertThat(answer.software()).isEqualTo("claude-bridge/test");
        assertThat(answer.token()).as("a daemon answers without a token").isEmpty();
    }

    @Test
    void aClientOfAnotherVersionIsRefusedWithProtocolMismatch() throws Exception {
        CompletableFuture<HandshakeException> served = daemonSide(() -> {
            try {
                daemon.readHello();
                return null;
            } catch (HandshakeException e) {
                daemon.refuse(BridgeError.of(e.code(), e.getMessage()));
                return e;
            }
        });

        ClientHandshake.Outcome outcome = client.greet(new Hello(2, "future-client/9"));

        HandshakeException e = served.get(30, TimeUnit.SECONDS);
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_MISMATCH);
        assertThat(e.getMessage())
                .isEqualTo("the client (future-client/9) speaks protocol version 2, this daemon (claude-bridge/test)"
                        + " speaks version 1; update the older of the two");
        assertThat(outcome).isInstanceOf(ClientHandshake.Refused.class);
        BridgeError error = ((ClientHandshake.Refused) outcome).error();
        assertThat(error.code()).isEqualTo("protocol_mismatch");
        assertThat(error.exitStatus()).isEqualTo(76);
    }

    @Test
    void aDaemonOfAnotherVersionIsAProtocolErrorForTheClient() throws Exception {
        daemonSide(() -> {
            pair.daemon.reader().read();
            pair.daemon.writer().write(new Hello(9, "claude-bridge/9").toFrame());
            return null;
        });

        assertThatThrownBy(() -> client.greet(new Hello(Hello.VERSION, "client/test")))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("daemon (claude-bridge/9) speaks version 9, this client speaks 1");
    }

    @Test
    void aPeerThatIsNoDaemonIsAProtocolErrorForTheClient() throws Exception {
        daemonSide(() -> {
            pair.daemon.reader().read();
            pair.daemon.writer().write(Frame.empty(FrameType.STARTED));
            return null;
        });

        assertThatThrownBy(() -> client.greet(new Hello(Hello.VERSION, "client/test")))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("the socket's peer is not a claude-bridge daemon");
    }

    @Test
    void aRequestBeforeTheHelloIsAProtocolMismatch() throws Exception {
        pair.client.writer().write(REQUEST.toFrame());

        assertThatThrownBy(() -> daemon.readHello())
                .isInstanceOfSatisfying(
                        HandshakeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_MISMATCH))
                .hasMessageContaining("did not start with a claude-bridge HELLO");
    }

    @Test
    void anotherFrameInsteadOfTheRequestIsABadRequest() throws Exception {
        CompletableFuture<HandshakeException> served = daemonSide(() -> {
            daemon.readHello();
            daemon.accept();
            try {
                daemon.readRequest();
                return null;
            } catch (HandshakeException e) {
                return e;
            }
        });
        assertThat(client.greet(new Hello(Hello.VERSION, "client/test"))).isInstanceOf(ClientHandshake.Greeted.class);
        pair.client.writer().write(new Frame(FrameType.STDIN, new byte[] {1}));

        HandshakeException e = served.get(30, TimeUnit.SECONDS);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).isEqualTo("malformed request: expected a REQUEST frame, got STDIN");
    }

    @Test
    void outputBeforeStartedIsAProtocolErrorForTheClient() throws Exception {
        daemonSide(() -> {
            daemon.readHello();
            daemon.accept();
            daemon.readRequest();
            pair.daemon.writer().write(new Frame(FrameType.STDOUT, new byte[] {'x'}));
            return null;
        });
        client.greet(new Hello(Hello.VERSION, "client/test"));
        client.request(REQUEST);

        assertThatThrownBy(() -> client.awaitStart(q -> {}))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("unexpected STDOUT frame from the daemon");
    }

    @Test
    void aRefusalWhileQueuedEndsTheWaitAndLaterNoticesAreDropped() throws Exception {
        daemonSide(() -> {
            daemon.readHello();
            daemon.accept();
            daemon.readRequest();
            daemon.queued(new Queued(1, 1));
            daemon.refuse(BridgeError.of(ErrorCode.QUEUE_TIMEOUT, "waited too long"));
            daemon.queued(new Queued(1, 1));
            pair.daemon.channel().shutdownOutput();
            return null;
        });
        List<Queued> notices = new ArrayList<>();

        ClientHandshake.Outcome outcome = client.open(new Hello(Hello.VERSION, "client/test"), REQUEST, notices::add);

        assertThat(notices).containsExactly(new Queued(1, 1));
        assertThat(outcome)
                .isEqualTo(new ClientHandshake.Refused(BridgeError.of(ErrorCode.QUEUE_TIMEOUT, "waited too long")));
        assertThat(pair.client.reader().read()).as("nothing after the ERROR").isEmpty();
    }

    @Test
    void aCloseIsToldAtTheStepWhereItHappened() throws Exception {
        CompletableFuture<Optional<Request>> served = daemonSide(() -> {
            daemon.readHello();
            daemon.accept();
            return daemon.readRequest();
        });
        client.greet(new Hello(Hello.VERSION, "client/test"));
        pair.client.channel().shutdownOutput();

        assertThat(served.get(30, TimeUnit.SECONDS)).isEmpty();
        pair.daemon.channel().shutdownOutput();
        assertThatThrownBy(() -> client.next()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theDaemonClosingBeforeItsHelloIsAClose() throws Exception {
        daemonSide(() -> {
            pair.daemon.reader().read();
            pair.daemon.channel().shutdownOutput();
            return null;
        });

        assertThat(client.greet(new Hello(Hello.VERSION, "client/test")))
                .isEqualTo(new ClientHandshake.Closed("during the handshake"));
    }

    @Test
    void stepsOutOfOrderAreTheCallersBug() throws Exception {
        assertThatThrownBy(() -> client.request(REQUEST)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> daemon.accept()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> daemon.start()).isInstanceOf(IllegalStateException.class);
    }
}
