package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a failed login leaves in the log when the client chose its user name to hurt: a name of
 * 64,000 bytes with line breaks in it makes one short line, not 65 KB of log nor a forged line.
 */
class FailedLoginLogTest {

    private final Logger connectorLog = (Logger) LoggerFactory.getLogger("dev.turnout.connector");
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

    @BeforeEach
    void capture() {
        captured.start();
        connectorLog.addAppender(captured);
    }

    @AfterEach
    void stopCapturing() {
        connectorLog.detachAppender(captured);
        captured.stop();
    }

    @Test
    void aHugeUserNameWithNewlinesLogsOneShortLine() {
        String forged = "\n13:00:00.000 INFO  [main] d.t.c.f.Accounts - [1 10.0.0.1:1] authenticated as 'root'\n";
        String unit = "evil" + forged + "\r\u2028";
        // As large as a handshake response may be: the connector refuses one over 64 KiB as a bad handshake.
        String user = unit.repeat(64_000 / unit.getBytes(StandardCharsets.UTF_8).length);
        assertThat(user.getBytes(StandardCharsets.UTF_8).length).isBetween(63_000, 64_000);

        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect(user, "wrong", SessionHarness.DATABASE);

            assertThat(client.loginReply()).isInstanceOfSatisfying(Reply.Err.class, err -> {
                assertThat(err.code()).isEqualTo(1045);
                assertThat(err.message()).hasSizeLessThan(256).doesNotContain("\n");
            });
        }

        List<String> lines =
                captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("access denied for user 'evil"));
        assertThat(lines)
                .allSatisfy(line -> assertThat(line)
                        .hasSizeLessThanOrEqualTo(256)
                        .doesNotContain("\n", "\r", "\u2028")
                        .doesNotContain("authenticated as 'root'"));
        assertThat(lines.stream()
                        .filter(line -> line.contains("access denied"))
                        .findFirst()
                        .orElseThrow())
                .contains("...[cut, " + user.length() + " chars]");
    }
}
