package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KillStatementTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "KILL QUERY 1073741825        | 1073741825 | true",
                "kill query 42                | 42         | true",
                "  KILL 7 ;                   | 7          | false",
                "KILL CONNECTION 9            | 9          | false",
                "KILL HARD QUERY 12           | 12         | true",
                "KILL SOFT CONNECTION 13      | 13         | false",
                "Kill\tQuery\t14              | 14         | true"
            })
    void recognisesAKillOfOneId(String sql, long id, boolean queryOnly) {
        assertThat(parse(sql)).isEqualTo(new KillStatement(id, queryOnly));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT 1",
                "KILL",
                "KILL QUERY",
                "KILL USER app",
                "KILL QUERY ID 5",
                "KILLQUERY 5",
                "KILL 5 6",
                "KILL 5; SELECT 1",
                "KILL QUERY 5x",
                "",
                "KILL QUERY 1234567890123456789012"
            })
    void ignoresEverythingElse(String sql) {
        assertThat(parse(sql)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"true, KILL QUERY 55", "false, KILL CONNECTION 55"})
    void rewritesWithTheServerThreadId(boolean queryOnly, String expected) {
        assertThat(new String(new KillStatement(1073741825, queryOnly).rewrite(55), StandardCharsets.US_ASCII))
                .isEqualTo(expected);
    }

    private static KillStatement parse(String sql) {
        ByteBuf buf = Unpooled.copiedBuffer("x" + sql, StandardCharsets.UTF_8);
        try {
            return KillStatement.parse(buf, 1, buf.writerIndex());
        } finally {
            buf.release();
        }
    }
}
