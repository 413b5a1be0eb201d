package dev.turnout.connector.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {

    private final AtomicLong clock = new AtomicLong(42);
    private final LoginLimiter limiter = new LoginLimiter(clock::get);

    private static InetAddress address(int i) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }

    @Test
    void locksOutAfterFiveFailuresAndDoublesUpToTheMaximum() {
        assertThat(LoginLimiter.lockout(4)).isZero();
        assertThat(LoginLimiter.lockout(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(LoginLimiter.lockout(6)).isEqualTo(Duration.ofSeconds(2));
        assertThat(LoginLimiter.lockout(9)).isEqualTo(Duration.ofSeconds(16));
        assertThat(LoginLimiter.lockout(20)).isEqualTo(LoginLimiter.MAX_LOCKOUT);
        assertThat(LoginLimiter.lockout(Integer.MAX_VALUE)).isEqualTo(LoginLimiter.MAX_LOCKOUT);
    }

    @Test
    void oneAddressesFailuresDoNotLockOutAnother() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.lockedOutMillis(address(1))).isZero();
            limiter.failed(address(1));
        }
        assertThat(limiter.lockedOutMillis(address(1))).isEqualTo(1000);
        assertThat(limiter.lockedOutMillis(address(2))).isZero();
        clock.addAndGet(Duration.ofMillis(400).toNanos());
        assertThat(limiter.lockedOutMillis(address(1))).isEqualTo(600);
        clock.addAndGet(Duration.ofMillis(600).toNanos());
        assertThat(limiter.lockedOutMillis(address(1))).isZero();
    }

    @Test
    void failuresLongAgoAreForgotten() throws Exception {
        for (int i = 0; i < 4; i++) {
            limiter.failed(address(1));
        }
        clock.addAndGet(LoginLimiter.FORGET_AFTER.plusSeconds(1).toNanos());
        assertThat(limiter.failed(address(1))).isEqualTo(1);
    }

    @Test
    void rememberAtMostTheBoundNumberOfAddresses() throws Exception {
        for (int i = 0; i < LoginLimiter.MAX_ADDRESSES + 100; i++) {
            clock.incrementAndGet();
            limiter.failed(address(i));
        }
        assertThat(limiter.size()).isEqualTo(LoginLimiter.MAX_ADDRESSES);
    }
}
