package dev.turnout.protocol.auth;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_ATTRS;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_WITH_DB;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_DEPRECATE_EOF;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_MULTI_RESULTS;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_MYSQL;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SECURE_CONNECTION;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SESSION_TRACK;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SSL;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_TRANSACTIONS;
import static dev.turnout.protocol.constant.Capabilities.MARIADB_CLIENT_PROGRESS;
import static dev.turnout.protocol.constant.Capabilities.MARIADB_CLIENT_STMT_BULK_OPERATIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.protocol.auth.ClientAuthExchange.Step;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.Fixtures;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.client.SslRequest;
import dev.turnout.protocol.message.server.AuthMoreData;
import dev.turnout.protocol.message.server.AuthSwitchRequest;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.message.server.OkPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientAuthExchangeTest {

    private static final byte[] PASSWORD = "s3cret-pässword".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SEED = "ABCDEFGHIJKLMNOPQRST".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SWITCH_SEED = "abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII);
    private static final long CLIENT = CLIENT_MYSQL
            | CLIENT_PROTOCOL_41
            | CLIENT_SECURE_CONNECTION
            | CLIENT_TRANSACTIONS
            | CLIENT_MULTI_RESULTS
            | CLIENT_SESSION_TRACK
            | CLIENT_DEPRECATE_EOF
            | MARIADB_CLIENT_STMT_BULK_OPERATIONS;
    private static final long MYSQL_SERVER = 0xDFFF_FFFFL;
    private static final OkPacket OK = new OkPacket(0, 0, ServerStatus.AUTOCOMMIT, 0, "");
    private static KeyPair serverKeys;

    @BeforeAll
    static void generateServerKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        serverKeys = generator.generateKeyPair();
    }

    private static HandshakeV10 mysqlGreeting(String plugin) {
        return new HandshakeV10("8.4.3", 42, SEED, MYSQL_SERVER, 255, ServerStatus.AUTOCOMMIT, plugin);
    }

    private static ClientAuthExchange exchange() {
        return new ClientAuthExchange("app", PASSWORD, "shop", CLIENT, 45, Map.of("_client_name", "turnout"));
    }

    @Test
    void answersAMariaDbGreetingWithTheNativeScrambleAndFinishesOnOk() {
        HandshakeV10 greeting =
                Fixtures.decode(Fixtures.load("mariadb-connector-j-3.5.hex").payload("greeting"), HandshakeV10::decode);
        ClientAuthExchange exchange =
                new ClientAuthExchange("app", PASSWORD, "shop", CLIENT & ~CLIENT_MYSQL, 45, Map.of());

        HandshakeResponse41 response = exchange.start(greeting);

        assertThat(response.authPluginName()).isEqualTo(AuthPlugins.MYSQL_NATIVE_PASSWORD);
        assertThat(Scrambles.verifyNative(PASSWORD, greeting.authPluginData(), response.authResponse()))
                .isTrue();
        assertThat(response.username()).isEqualTo("app");
        assertThat(response.database()).isEqualTo("shop");
        assertThat(response.characterSet()).isEqualTo(45);
        assertThat(response.maxPacketSize()).isEqualTo(ClientAuthExchange.MAX_PACKET_SIZE);
        assertThat(exchange.negotiatedCapabilities())
                .isEqualTo(response.capabilities())
                .isEqualTo(((CLIENT & ~CLIENT_MYSQL)
                                | CLIENT_PLUGIN_AUTH
                                | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
                                | CLIENT_CONNECT_WITH_DB)
                        & greeting.capabilities());
        assertThat(exchange.negotiatedCapabilities() & MARIADB_CLIENT_STMT_BULK_OPERATIONS)
                .isNotZero();
        assertThat(exchange.negotiatedCapabilities() & MARIADB_CLIENT_PROGRESS).isZero();
        assertThat(exchange.negotiatedCapabilities() & (CLIENT_CONNECT_ATTRS | CLIENT_SSL))
                .isZero();
        assertThat(exchange.sslRequest()).isNull();

        Step step = feed(exchange, out -> OK.encode(out, MYSQL_SERVER));
        assertThat(step).isEqualTo(new Step.Done(OK));
    }

    @Test
    void theResponseEncodesAndDecodesLikeARealOne() {
        ClientAuthExchange exchange = exchange();
        HandshakeResponse41 response = exchange.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));

        HandshakeResponse41 decoded = Fixtures.decode(Fixtures.encode(response::encode), HandshakeResponse41::decode);

        assertThat(decoded).isEqualTo(response);
        assertThat(decoded.connectAttributes()).containsEntry("_client_name", "turnout");
        assertThat(decoded.capabilities() >>> 32)
                .as("no MariaDB extended capabilities towards MySQL")
                .isZero();
    }

    @Test
    void reportsTheServersErr() {
        ClientAuthExchange exchange = exchange();
        exchange.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));
        ErrPacket denied = new ErrPacket(1045, "28000", "Access denied for user 'app'");

        assertThat(feed(exchange, denied::encode)).isEqualTo(new Step.Failed(denied));
        assertThatThrownBy(() -> feed(exchange, out -> OK.encode(out, MYSQL_SERVER)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void followsASwitchToNativeWithTheNewSeed() {
        ClientAuthExchange exchange = exchange();
        exchange.start(mysqlGreeting(AuthPlugins.CACHING_SHA2_PASSWORD));

        Step step = feed(exchange, new AuthSwitchRequest(AuthPlugins.MYSQL_NATIVE_PASSWORD, SWITCH_SEED)::encode);

        assertThat(step).isEqualTo(new Step.Send(Scrambles.nativePassword(PASSWORD, SWITCH_SEED)));
        assertThat(exchange.pluginName()).isEqualTo(AuthPlugins.MYSQL_NATIVE_PASSWORD);
        assertThat(feed(exchange, out -> OK.encode(out, MYSQL_SERVER))).isInstanceOf(Step.Done.class);
    }

    @Test
    void aStageOneLoginAnswersNativeEvenToACachingSha2GreetingAndFollowsASwitchToNative() {
        ClientAuthExchange exchange = new ClientAuthExchange(
                        "app", NativePassword.stage1(PASSWORD), "shop", CLIENT, 45, Map.of())
                .passwordIsStage1(true);

        HandshakeResponse41 response = exchange.start(mysqlGreeting(AuthPlugins.CACHING_SHA2_PASSWORD));

        assertThat(response.authPluginName()).isEqualTo(AuthPlugins.MYSQL_NATIVE_PASSWORD);
        assertThat(response.authResponse()).isEqualTo(Scrambles.nativePassword(PASSWORD, SEED));
        assertThat(feed(exchange, new AuthSwitchRequest(AuthPlugins.MYSQL_NATIVE_PASSWORD, SWITCH_SEED)::encode))
                .isEqualTo(new Step.Send(Scrambles.nativePassword(PASSWORD, SWITCH_SEED)));
    }

    @Test
    void aStageOneLoginCannotFollowASwitchToAnotherPlugin() {
        ClientAuthExchange exchange = new ClientAuthExchange(
                        "app", NativePassword.stage1(PASSWORD), "shop", CLIENT, 45, Map.of())
                .passwordIsStage1(true);
        exchange.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));

        Step step = feed(exchange, new AuthSwitchRequest(AuthPlugins.CACHING_SHA2_PASSWORD, SWITCH_SEED)::encode);

        assertThat(step).isInstanceOf(Step.Failed.class);
        assertThat(((Step.Failed) step).err().errorCode()).isEqualTo(ClientAuthExchange.CR_AUTH_PLUGIN_CANNOT_LOAD);
        assertThat(((Step.Failed) step).err().message()).contains("mysql_native_password hash");
    }

    @Test
    void cachingSha2FastAuthWaitsForTheOk() {
        ClientAuthExchange exchange = exchange();
        HandshakeResponse41 response = exchange.start(mysqlGreeting(AuthPlugins.CACHING_SHA2_PASSWORD));

        assertThat(response.authPluginName()).isEqualTo(AuthPlugins.CACHING_SHA2_PASSWORD);
        assertThat(Scrambles.verifyCachingSha2(PASSWORD, SEED, response.authResponse()))
                .isTrue();
        assertThat(feed(exchange, new AuthMoreData(new byte[] {AuthMoreData.FAST_AUTH_SUCCESS})::encode))
                .isEqualTo(new Step.Await());
        assertThat(feed(exchange, out -> OK.encode(out, MYSQL_SERVER))).isEqualTo(new Step.Done(OK));
    }

    @Test
    void cachingSha2FullAuthOverTlsSendsThePasswordInClear() {
        ClientAuthExchange exchange = exchange().secureTransport(true);
        exchange.start(mysqlGreeting(AuthPlugins.CACHING_SHA2_PASSWORD));

        Step step = feed(exchange, new AuthMoreData(new byte[] {AuthMoreData.PERFORM_FULL_AUTHENTICATION})::encode);

        assertThat(step).isEqualTo(new Step.Send(Scrambles.nulTerminated(PASSWORD)));
        assertThat(step.toString()).doesNotContain("s3cret");
    }

    @Test
    void cachingSha2FullAuthWithoutTlsRequestsTheKeyWhenAllowedAndSendsTheRsaEncryptedPassword() {
        ClientAuthExchange exchange = exchange().allowPublicKeyRetrieval(true);
        exchange.start(mysqlGreeting(AuthPlugins.CACHING_SHA2_PASSWORD));

        Step request = feed(exchange, new AuthMoreData(new byte[] {AuthMoreData.PERFORM_FULL_AUTHENTICATION})::encode);
        assertThat(request).isEqualTo(new Step.Send(new byte[] {0x02}));

        byte[] pem = Scrambles.toPem(serverKeys.getPublic()).getBytes(StandardCharsets.US_ASCII);
        Step encrypted = feed(exchange, new AuthMoreData(pem)::encode);

        assertThat(encrypted).isInstanceOf(Step.Send.class);
        byte[] received = ((Step.Send) encrypted).payload();
        assertThat(received).hasSize(256);
        // The server's side: decrypt with the private key, un-XOR with the greeting's seed.
        assertThat(Scrambles.rsaDecryptPassword(received, SEED, serverKeys.getPrivate()))
                .isEqualTo(PASSWORD);
        assertThat(feed(exchange, out -> OK.encode(out, MYSQL_SERVER))).isEqualTo(new Step.Done(OK));
    }

    @Test
    void cachingSha2FullAuthUsesAConfiguredKeyWithTheSwitchSeed() {
        ClientAuthExchange exchange = exchange().serverPublicKey(serverKeys.getPublic());
        exchange.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));

        Step scramble = feed(exchange, new AuthSwitchRequest(AuthPlugins.CACHING_SHA2_PASSWORD, SWITCH_SEED)::encode);
        assertThat(scramble).isEqualTo(new Step.Send(Scrambles.cachingSha2(PASSWORD, SWITCH_SEED)));

        Step encrypted =
                feed(exchange, new AuthMoreData(new byte[] {AuthMoreData.PERFORM_FULL_AUTHENTICATION})::encode);

        byte[] received = ((Step.Send) encrypted).payload();
        assertThat(Scrambles.rsaDecryptPassword(received, SWITCH_SEED, serverKeys.getPrivate()))
                .isEqualTo(PASSWORD);
    }

    @Test
    void refusesToRetrieveTheKeyWhenTold() {
        ClientAuthExchange exchange = exchange().allowPublicKeyRetrieval(false);
        exchange.start(mysqlGreeting(AuthPlugins.CACHING_SHA2_PASSWORD));

        Step step = feed(exchange, new AuthMoreData(new byte[] {AuthMoreData.PERFORM_FULL_AUTHENTICATION})::encode);

        assertThat(step)
                .isInstanceOfSatisfying(
                        Step.Failed.class,
                        f -> assertThat(f.err().errorCode()).isEqualTo(ClientAuthExchange.CR_AUTH_PLUGIN_ERR));
    }

    @Test
    void byDefaultNeverAsksAServerForItsKeyInPlaintextNorSendsItThePassword() {
        ClientAuthExchange exchange = exchange();
        exchange.start(mysqlGreeting(AuthPlugins.CACHING_SHA2_PASSWORD));

        Step step = feed(exchange, new AuthMoreData(new byte[] {AuthMoreData.PERFORM_FULL_AUTHENTICATION})::encode);

        assertThat(step)
                .isInstanceOfSatisfying(
                        Step.Failed.class, f -> assertThat(f.err().message()).contains("requires secure connection"));
    }

    @Test
    void anUnusablePublicKeyFailsTheExchange() {
        ClientAuthExchange exchange = exchange().allowPublicKeyRetrieval(true);
        exchange.start(mysqlGreeting(AuthPlugins.CACHING_SHA2_PASSWORD));
        feed(exchange, new AuthMoreData(new byte[] {AuthMoreData.PERFORM_FULL_AUTHENTICATION})::encode);

        Step step = feed(exchange, new AuthMoreData("not a key".getBytes(StandardCharsets.US_ASCII))::encode);

        assertThat(step).isInstanceOfSatisfying(Step.Failed.class, f -> {
            assertThat(f.err().errorCode()).isEqualTo(ClientAuthExchange.CR_AUTH_PLUGIN_ERR);
            assertThat(f.err().message()).contains("public key");
        });
    }

    @Test
    void clearPasswordIsRefusedWithoutASecureTransport() {
        ClientAuthExchange exchange = exchange();
        exchange.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));

        Step step = feed(exchange, new AuthSwitchRequest(AuthPlugins.MYSQL_CLEAR_PASSWORD, new byte[0])::encode);

        assertThat(step)
                .isEqualTo(
                        new Step.Failed(
                                new ErrPacket(
                                        2061,
                                        "HY000",
                                        "Authentication plugin 'mysql_clear_password' reported error: Authentication requires secure connection.")));
    }

    @Test
    void clearPasswordIsSentNulTerminatedOverASecureTransport() {
        ClientAuthExchange exchange = exchange();
        exchange.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));
        exchange.secureTransport(true);

        Step step = feed(exchange, new AuthSwitchRequest(AuthPlugins.MYSQL_CLEAR_PASSWORD, new byte[0])::encode);

        assertThat(step).isEqualTo(new Step.Send("s3cret-pässword\0".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anUnknownGreetingPluginIsAnsweredWithNativeAndASwitchToAnUnknownOneFails() {
        ClientAuthExchange exchange = exchange();
        HandshakeResponse41 response = exchange.start(mysqlGreeting("client_ed25519"));

        assertThat(response.authPluginName()).isEqualTo(AuthPlugins.MYSQL_NATIVE_PASSWORD);
        assertThat(Scrambles.verifyNative(PASSWORD, SEED, response.authResponse()))
                .isTrue();

        Step step = feed(exchange, new AuthSwitchRequest("client_ed25519", SWITCH_SEED)::encode);
        assertThat(step)
                .isEqualTo(new Step.Failed(
                        new ErrPacket(2059, "HY000", "Authentication plugin 'client_ed25519' cannot be loaded")));
    }

    @Test
    void aSecondSwitchIsAProtocolViolation() {
        ClientAuthExchange exchange = exchange();
        exchange.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));
        feed(exchange, new AuthSwitchRequest(AuthPlugins.CACHING_SHA2_PASSWORD, SWITCH_SEED)::encode);

        Step step = feed(exchange, new AuthSwitchRequest(AuthPlugins.MYSQL_NATIVE_PASSWORD, SWITCH_SEED)::encode);

        assertThat(step)
                .isInstanceOfSatisfying(
                        Step.Failed.class,
                        f -> assertThat(f.err().errorCode()).isEqualTo(ClientAuthExchange.CR_MALFORMED_PACKET));
    }

    @Test
    void garbageAndMoreDataForNativeAreMalformed() {
        ClientAuthExchange garbage = exchange();
        garbage.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));
        ClientAuthExchange truncatedOk = exchange();
        truncatedOk.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));
        ClientAuthExchange moreData = exchange();
        moreData.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));

        assertThat(feed(garbage, out -> out.writeByte(0x42)))
                .isInstanceOfSatisfying(
                        Step.Failed.class, f -> assertThat(f.err().errorCode()).isEqualTo(2027));
        assertThat(feed(truncatedOk, out -> out.writeByte(0).writeByte(0xFC)))
                .isInstanceOfSatisfying(
                        Step.Failed.class, f -> assertThat(f.err().message()).contains("OK packet"));
        assertThat(feed(moreData, new AuthMoreData(new byte[] {3})::encode))
                .isInstanceOfSatisfying(
                        Step.Failed.class, f -> assertThat(f.err().errorCode()).isEqualTo(2027));
    }

    @Test
    void negotiatesTlsAndOffersTheSslRequest() {
        ClientAuthExchange exchange = new ClientAuthExchange("app", PASSWORD, null, CLIENT | CLIENT_SSL, 255, Map.of());

        HandshakeResponse41 response = exchange.start(mysqlGreeting(AuthPlugins.CACHING_SHA2_PASSWORD));
        SslRequest ssl = exchange.sslRequest();

        assertThat(ssl)
                .isEqualTo(new SslRequest(exchange.negotiatedCapabilities(), ClientAuthExchange.MAX_PACKET_SIZE, 255));
        assertThat(response.capabilities() & (CLIENT_CONNECT_WITH_DB | CLIENT_CONNECT_ATTRS))
                .isZero();
        assertThat(response.database()).isNull();
        assertThat(response.connectAttributes()).isEmpty();
    }

    @Test
    void requestingTlsAddsClientSslAndTheRequestOnlyWhenTheServerOffersIt() {
        HandshakeV10 offering = mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD);
        assertThat(offering.capabilities() & CLIENT_SSL)
                .as("the fixture offers TLS")
                .isNotZero();
        HandshakeV10 plain = new HandshakeV10(
                offering.serverVersion(),
                offering.connectionId(),
                SEED,
                offering.capabilities() & ~CLIENT_SSL,
                offering.characterSet(),
                offering.statusFlags(),
                offering.authPluginName());

        ClientAuthExchange tls = exchange().requestTls(true);
        HandshakeResponse41 response = tls.start(offering);
        ClientAuthExchange withoutServerTls = exchange().requestTls(true);
        withoutServerTls.start(plain);

        assertThat(response.capabilities() & CLIENT_SSL).isNotZero();
        assertThat(tls.sslRequest()).isNotNull();
        assertThat(withoutServerTls.negotiatedCapabilities() & CLIENT_SSL).isZero();
        assertThat(withoutServerTls.sslRequest()).isNull();
        assertThatThrownBy(() -> tls.requestTls(false)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesAPre41ServerAndASecondStart() {
        HandshakeV10 old = new HandshakeV10("4.0.1", 1, SEED, CLIENT_MYSQL, 8, 0, "");
        assertThatThrownBy(() -> exchange().start(old)).isInstanceOf(IllegalArgumentException.class);

        ClientAuthExchange exchange = exchange();
        exchange.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));
        assertThatThrownBy(() -> exchange.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> exchange().onServerPacket(Unpooled.EMPTY_BUFFER))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anEmptyPasswordSendsAnEmptyResponse() {
        ClientAuthExchange exchange = new ClientAuthExchange("app", new byte[0], null, CLIENT, 45, Map.of());

        assertThat(exchange.start(mysqlGreeting(AuthPlugins.CACHING_SHA2_PASSWORD))
                        .authResponse())
                .isEmpty();
        assertThat(feed(exchange, new AuthSwitchRequest(AuthPlugins.MYSQL_NATIVE_PASSWORD, SWITCH_SEED)::encode))
                .isEqualTo(new Step.Send(new byte[0]));
    }

    @Test
    void replaysConnectorJsCapturedConversationAsTheClient() {
        Fixtures conversation = Fixtures.load("mysql-connector-j-9.1-caching-sha2.hex");
        HandshakeV10 greeting = Fixtures.decode(conversation.payload("greeting"), HandshakeV10::decode);
        ClientAuthExchange exchange =
                new ClientAuthExchange("app", "secret".getBytes(StandardCharsets.UTF_8), null, CLIENT, 255, Map.of());
        exchange.start(greeting);

        Step step = feedBytes(exchange, conversation.payload("switch"));

        // The same bytes Connector/J answered with.
        assertThat(step).isEqualTo(new Step.Send(conversation.payload("switch-response")));
        assertThat(feedBytes(exchange, conversation.payload("ok"))).isInstanceOf(Step.Done.class);
    }

    @Test
    void aRelayedExchangeSendsNoCredentialsAndHandsOutEverySwitchAndMoreDataPacketWhole() {
        ClientAuthExchange exchange =
                new ClientAuthExchange("ed", new byte[0], null, CLIENT, 45, Map.of()).relayed(true);

        HandshakeResponse41 response = exchange.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));
        assertThat(response.authResponse()).isEmpty();
        assertThat(response.authPluginName()).isEqualTo(AuthPlugins.MYSQL_NATIVE_PASSWORD);

        AuthSwitchRequest ed25519 = new AuthSwitchRequest("client_ed25519", SWITCH_SEED);
        byte[] switchBytes = Fixtures.encode(ed25519::encode);
        assertThat(feedBytes(exchange, switchBytes)).isEqualTo(new Step.Relay(switchBytes));
        byte[] more = {AuthMoreData.HEADER, 'x', 'y'};
        assertThat(feedBytes(exchange, more))
                .as("a plugin's further rounds (PAM's dialog) are relayed as well")
                .isEqualTo(new Step.Relay(more));
        ErrPacket denied = new ErrPacket(1045, "28000", "Access denied for user 'ed'");
        assertThat(feed(exchange, denied::encode)).isEqualTo(new Step.Failed(denied));
    }

    @Test
    void aRelayedExchangeEndsOnTheServersOk() {
        ClientAuthExchange exchange =
                new ClientAuthExchange("ed", new byte[0], "shop", CLIENT, 45, Map.of()).relayed(true);
        exchange.start(mysqlGreeting(AuthPlugins.MYSQL_NATIVE_PASSWORD));
        AuthSwitchRequest ed25519 = new AuthSwitchRequest("client_ed25519", SWITCH_SEED);
        assertThat(feed(exchange, ed25519::encode)).isInstanceOf(Step.Relay.class);

        assertThat(feed(exchange, out -> OK.encode(out, MYSQL_SERVER))).isEqualTo(new Step.Done(OK));
    }

    private static Step feed(ClientAuthExchange exchange, Consumer<ByteBuf> serverPacket) {
        return feedBytes(exchange, Fixtures.encode(serverPacket));
    }

    private static Step feedBytes(ClientAuthExchange exchange, byte[] payload) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        try {
            return exchange.onServerPacket(buf);
        } finally {
            buf.release();
        }
    }
}
