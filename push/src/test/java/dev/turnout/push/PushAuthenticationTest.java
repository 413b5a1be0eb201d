package dev.turnout.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nobody without the shared secret gets past the handshake: not a fake manager at a manager's
 * address (plaintext as before, or TLS with another secret, or a relay in the middle), not a fake
 * connector; and a connection that does not complete its handshake is closed in time.
 */
class PushAuthenticationTest {

    private final PushFixture fixture = new PushFixture();

    @AfterEach
    void closeAll() throws Exception {
        fixture.close();
    }

    private static TopologySnapshot v(long version) {
        return PushCodecTest.sample(version);
    }

    @Test
    void aFakeManagerWithAnotherSecretIsRefusedAndLoggedAndItsTopologyNeverApplied() throws Exception {
        PushServer fake =
                fixture.server(() -> v(System.currentTimeMillis()), PushServer.Settings.defaults(PushFixture.OTHER));
        TopologyHolder holder = new TopologyHolder(v(5));

        PushClient client = fixture.client(
                PushFixture.clientSettings(PushFixture.SECRET, fake.port()),
                holder,
                PushClient.Listener.acknowledging(),
                SnapshotCheck.none());

        fixture.awaitWarning("refused manager", ":" + fake.port(), "is manager-push-secret the same on both sides?");
        assertThat(holder.current()).isEqualTo(v(5));
        assertThat(client.connectedManagers()).isZero();
        assertThat(fake.routers()).isEmpty();
    }

    @Test
    void aFakeManagerThatSkipsTheCheckAndAnswersWithAMadeUpProofIsRefusedBeforeItsTopologyIsRead() throws Exception {
        ServerSocket fake = fixture.closeAtEnd(new ServerSocket(0, 8, PushFixture.LOOPBACK));
        Thread liar = new Thread(() -> lie(fake));
        liar.start();
        TopologyHolder holder = new TopologyHolder(v(5));

        PushClient client = fixture.client(
                PushFixture.clientSettings(PushFixture.SECRET, fake.getLocalPort()),
                holder,
                PushClient.Listener.acknowledging(),
                SnapshotCheck.none());

        fixture.awaitWarning("refused manager", ":" + fake.getLocalPort(), "does not match this connector's");
        assertThat(holder.current()).isEqualTo(v(5));
        assertThat(client.connectedManagers()).isZero();
        fake.close();
        liar.join(5000);
    }

    /** Answers every connector's handshake with a random proof, then pushes a forged topology and a hold. */
    private static void lie(ServerSocket fake) {
        PushTls tls = PushTls.server(new SecureRandom());
        SecureRandom random = new SecureRandom();
        while (!fake.isClosed()) {
            try (Socket raw = fake.accept()) {
                LineChannel c = new LineChannel(tls.open(raw), raw);
                c.read(LineChannel.MAX_SHORT_LINE_CHARS); // its challenge
                byte[] bytes = new byte[PushHandshake.NONCE_BYTES];
                random.nextBytes(bytes);
                c.send(new PushMessage.Challenge(java.util.Base64.getEncoder().encodeToString(bytes)));
                c.read(LineChannel.MAX_SHORT_LINE_CHARS); // its proof, unchecked
                random.nextBytes(bytes);
                c.send(new PushMessage.Proof(java.util.Base64.getEncoder().encodeToString(bytes)));
                c.send(new PushMessage.Topology(v(System.currentTimeMillis())));
                c.send(new PushMessage.Hold(1));
                while (c.read(LineChannel.MAX_LINE_CHARS) != null) {
                    // wait for the connector to hang up
                }
            } catch (IOException | RuntimeException e) {
                // the connector hung up: expected
            }
        }
    }

    @Test
    void aPlaintextFakeManagerPushingAForgedTopologyIsRefusedAndLogged() throws Exception {
        ServerSocket fake = fixture.closeAtEnd(new ServerSocket(0, 8, PushFixture.LOOPBACK));
        String forged = PushCodec.encode(new PushMessage.Topology(v(System.currentTimeMillis()))) + "\n";
        Thread pusher = new Thread(() -> {
            try (Socket s = fake.accept()) {
                s.getOutputStream().write(forged.getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                s.getInputStream().readAllBytes();
            } catch (IOException e) {
                // the connector hung up: expected
            }
        });
        pusher.start();
        TopologyHolder holder = new TopologyHolder(v(5));

        fixture.client(
                PushFixture.clientSettings(PushFixture.SECRET, fake.getLocalPort()),
                holder,
                PushClient.Listener.acknowledging(),
                SnapshotCheck.none());

        fixture.awaitWarning("refused manager", ":" + fake.getLocalPort(), "TLS");
        assertThat(holder.current()).isEqualTo(v(5));
        fake.close();
        pusher.join(5000);
    }

    @Test
    void aFakeConnectorWithAnotherSecretCannotSubscribeNorStallAHold() throws Exception {
        PushServer server = fixture.server(() -> v(1));
        TopologyHolder holder = new TopologyHolder(v(0));
        fixture.client(
                PushFixture.clientSettings(PushFixture.OTHER, server.port()),
                holder,
                PushClient.Listener.acknowledging(),
                SnapshotCheck.none());

        fixture.awaitWarning("push connection", "refused", "does not match this manager's");
        HoldResult hold = server.hold(Duration.ofSeconds(30));

        assertThat(server.routers()).isEmpty();
        assertThat(hold.acknowledged()).isEmpty();
        assertThat(hold.unacknowledged()).isEmpty();
        assertThat(holder.current()).isEqualTo(v(0));
        server.release();
    }

    @Test
    void aPlaintextHelloIsRefusedAndLogged() throws Exception {
        PushServer server = fixture.server(() -> v(1));
        Socket s = fixture.tcp(server.port());
        OutputStream out = s.getOutputStream();
        out.write((PushCodec.encode(new PushMessage.Hello("connector@evil[1]", "evil", 1, List.of(1), -1)) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();

        fixture.awaitWarning("push connection", "refused: no TLS 1.3 handshake");
        byte[] answer = s.getInputStream().readAllBytes(); // a TLS alert at most, then the end
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("topology");
        assertThat(server.routers()).isEmpty();
    }

    @Test
    void aConnectionThatNeverCompletesItsHandshakeIsClosedAfterTheHandshakeTimeout() throws Exception {
        PushServer server = fixture.server(
                () -> v(1),
                new PushServer.Settings(PushFixture.SECRET, Duration.ofMillis(300), 16, 4, 64, Duration.ofSeconds(1)));
        Socket silent = fixture.tcp(server.port());

        InputStream in = silent.getInputStream();

        assertThat(in.read()).as("the server hangs up").isEqualTo(-1);
        fixture.awaitWarning("refused: no handshake within 300 ms");
        PushFixture.await("the connection is gone", () -> server.connectionCount() == 0);
    }

    @Test
    void connectionsBeyondTheCapOfUnauthenticatedOnesAreRefusedAtOnceAndLogged() throws Exception {
        PushServer server = fixture.server(
                () -> v(1),
                new PushServer.Settings(PushFixture.SECRET, Duration.ofSeconds(10), 16, 2, 64, Duration.ofSeconds(1)));
        fixture.tcp(server.port());
        fixture.tcp(server.port());
        PushFixture.await("two connections in their handshake", () -> server.connectionCount() == 2);

        Socket third = fixture.tcp(server.port());

        assertThat(third.getInputStream().read()).as("refused at once").isEqualTo(-1);
        fixture.awaitWarning("refused: 2 connections in their handshake already");
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void aRelayInTheMiddleWithoutTheSecretCannotPassOnTheHandshake() throws Exception {
        PushServer manager = fixture.server(() -> v(System.currentTimeMillis()));
        ServerSocket front = fixture.closeAtEnd(new ServerSocket(0, 8, PushFixture.LOOPBACK));
        Thread relay = new Thread(() -> relay(front, manager.port()));
        relay.start();
        TopologyHolder holder = new TopologyHolder(v(5));

        PushClient client = fixture.client(
                PushFixture.clientSettings(PushFixture.SECRET, front.getLocalPort()),
                holder,
                PushClient.Listener.acknowledging(),
                SnapshotCheck.none());

        fixture.awaitWarning("push connection", "refused", "does not match this manager's");
        assertThat(manager.routers()).isEmpty();
        assertThat(holder.current()).isEqualTo(v(5));
        assertThat(client.connectedManagers()).isZero();
        front.close();
        relay.join(5000);
    }

    /** Terminates TLS from connectors with a certificate of its own and relays every line to and from the manager. */
    private static void relay(ServerSocket front, int managerPort) {
        PushTls asManager = PushTls.server(new SecureRandom());
        PushTls asConnector = PushTls.client(new SecureRandom());
        while (!front.isClosed()) {
            try (Socket in = front.accept();
                    Socket out = new Socket(PushFixture.LOOPBACK, managerPort)) {
                SSLSocket inTls = asManager.open(in);
                SSLSocket outTls = asConnector.open(out);
                LineChannel connector = new LineChannel(inTls, in);
                LineChannel realManager = new LineChannel(outTls, out);
                Thread back = new Thread(() -> pump(realManager, connector));
                back.start();
                pump(connector, realManager);
                back.join(5000);
            } catch (IOException | InterruptedException e) {
                // the next connection, or the end
            }
        }
    }

    private static void pump(LineChannel from, LineChannel to) {
        try {
            PushMessage m;
            while ((m = from.read(LineChannel.MAX_LINE_CHARS)) != null) {
                to.send(m);
            }
        } catch (IOException | RuntimeException e) {
            // one side hung up
        }
        from.close();
        to.close();
    }

    @Test
    void withoutASecretAServerRefusesToListenBeyondLoopbackAndAClientToFollowAManagerBeyondIt() {
        assertThatThrownBy(() -> PushServer.start(
                        new InetSocketAddress(0), () -> v(1), PushServer.Settings.defaults(PushSecret.none())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("manager-push-secret");
        assertThatThrownBy(() -> PushClient.Settings.defaults(
                        List.of(new InetSocketAddress("192.0.2.1", 11999)), PushSecret.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("manager-push-secret");
        assertThatThrownBy(() -> PushSecret.of("short")).hasMessageContaining("at least 16");
        assertThat(PushFixture.SECRET.toString()).doesNotContain("horse");
    }

    @Test
    void withoutASecretOnBothSidesOfLoopbackThePushWorksAndIsLoggedAsUnauthenticated() throws Exception {
        AtomicReference<TopologySnapshot> current = new AtomicReference<>(v(5));
        PushServer server = fixture.server(current::get, PushServer.Settings.defaults(PushSecret.none()));
        TopologyHolder holder = new TopologyHolder(v(0));

        fixture.client(
                PushFixture.clientSettings(PushSecret.none(), server.port()),
                holder,
                PushClient.Listener.acknowledging(),
                SnapshotCheck.none());

        PushFixture.await("snapshot 5 arrives", () -> holder.current().version() == 5);
        assertThat(fixture.warnings())
                .anyMatch(w -> w.contains("NO manager-push-secret") && w.contains("connectors are not authenticated"))
                .anyMatch(w -> w.contains("NO manager-push-secret") && w.contains("are not authenticated"));
    }
}
