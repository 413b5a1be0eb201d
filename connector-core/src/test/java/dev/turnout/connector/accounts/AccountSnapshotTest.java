package dev.turnout.connector.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountSnapshotTest {

    private static final String HASH = "*" + "A".repeat(40);

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void theMostSpecificMatchingHostWins() throws Exception {
        AccountSnapshot snapshot = new AccountSnapshot(
                List.of(
                        ServerAccount.of("app", "%", "mysql_native_password", HASH),
                        ServerAccount.of("app", "127.0.0.%", "mysql_native_password", HASH),
                        ServerAccount.of("app", "127.0.0.1", "ed25519", "x"),
                        ServerAccount.of("app", "10.%", "mysql_native_password", HASH)),
                0);

        assertThat(snapshot.find("app", ip("127.0.0.1")).host()).isEqualTo("127.0.0.1");
        assertThat(snapshot.find("app", ip("127.0.0.2")).host()).isEqualTo("127.0.0.%");
        assertThat(snapshot.find("app", ip("127.1.0.2")).host()).isEqualTo("%");
        assertThat(snapshot.find("nobody", ip("127.0.0.1"))).isNull();
        assertThat(snapshot.find("app", ip("127.0.0.1")).verifiable()).isFalse();
        assertThat(snapshot.size()).isEqualTo(4);
    }

    @Test
    void hostPatternsMatchAsTheServerMatchesAddresses() throws Exception {
        assertThat(AccountSnapshot.matches("%", ip("127.0.0.9"))).isTrue();
        assertThat(AccountSnapshot.matches("localhost", ip("127.0.0.9"))).isTrue();
        assertThat(AccountSnapshot.matches("localhost", ip("192.0.2.1"))).isFalse();
        assertThat(AccountSnapshot.matches("127.0.0._", ip("127.0.0.9"))).isTrue();
        assertThat(AccountSnapshot.matches("127.0.0._", ip("127.0.0.19"))).isFalse();
        assertThat(AccountSnapshot.matches("127.%.1", ip("127.0.0.1"))).isTrue();
        assertThat(AccountSnapshot.matches("127.0.0.0/255.255.255.0", ip("127.0.0.77")))
                .isTrue();
        assertThat(AccountSnapshot.matches("127.0.1.0/255.255.255.0", ip("127.0.0.77")))
                .isFalse();
        assertThat(AccountSnapshot.matches("db.example", ip("127.0.0.1"))).isFalse();
    }

    @Test
    void onlyNativeHashesAreKeptAndAnonymousAccountsAreLeftOut() throws Exception {
        assertThat(ServerAccount.of("a", "%", null, HASH).verifiable()).isTrue();
        assertThat(ServerAccount.of("a", "%", "mysql_native_password", "").storedHash())
                .isEmpty();
        assertThat(ServerAccount.of("a", "%", "caching_sha2_password", "$A$005$x")
                        .verifiable())
                .isFalse();
        assertThat(ServerAccount.of("a", "%", "mysql_native_password", "not-a-hash")
                        .verifiable())
                .isFalse();
        AccountSnapshot snapshot = new AccountSnapshot(List.of(ServerAccount.of("", "%", null, "")), 0);
        assertThat(snapshot.find("", ip("127.0.0.1"))).isNull();
    }
}
