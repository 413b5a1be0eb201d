package dev.turnout.protocol.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KillStatementsTest {

    private static List<KillStatements.Target> find(String sql) {
        ByteBuf buf = Unpooled.copiedBuffer("x" + sql, StandardCharsets.UTF_8);
        try {
            return KillStatements.find(buf, 1, buf.writerIndex(), false);
        } finally {
            buf.release();
        }
    }

    private static String id(String sql, KillStatements.Target target) {
        return ("x" + sql).substring(target.idStart(), target.idEnd());
    }

    @Test
    void findsTheKillOfAMultiStatementWithWhereItsIdIs() {
        String sql = "KILL 1073741851; SELECT SLEEP(0.05)";
        List<KillStatements.Target> found = find(sql);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).id()).isEqualTo(1073741851L);
        assertThat(found.get(0).queryOnly()).isFalse();
        assertThat(found.get(0).start()).isEqualTo(1);
        assertThat(id(sql, found.get(0))).isEqualTo("1073741851");
    }

    @Test
    void findsEveryKillOfOneIdWhateverItsModifiersCaseAndComments() {
        String sql = "select 'kill 1; kill 2'; /* kill 3 */ kill hard query 11 ; Kill Soft Connection 12 /* end */;"
                + " /*!KILL QUERY 13 */; KILL\n14";
        assertThat(find(sql))
                .extracting(KillStatements.Target::id, KillStatements.Target::queryOnly)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(11L, true),
                        org.assertj.core.groups.Tuple.tuple(12L, false),
                        org.assertj.core.groups.Tuple.tuple(13L, true),
                        org.assertj.core.groups.Tuple.tuple(14L, false));
        assertThat(find(sql)).extracting(t -> id(sql, t)).containsExactly("11", "12", "13", "14");
    }

    @Test
    void ignoresKillsThatNameNoThreadByALiteralId() {
        assertThat(find("KILL QUERY ID 5")).isEmpty();
        assertThat(find("KILL USER app")).isEmpty();
        assertThat(find("KILL CONNECTION_ID()")).isEmpty();
        assertThat(find("KILL 5 6")).isEmpty();
        assertThat(find("KILL 12x")).isEmpty();
        assertThat(find("KILL")).isEmpty();
        assertThat(find("SELECT 1")).isEmpty();
    }

    @Test
    void flagsEveryStatementLedByKill() {
        assertThat(StatementClassifier.classify("KILL 5").has(StatementFlag.KILL))
                .isTrue();
        assertThat(StatementClassifier.classify("select 1; kill query 5").has(StatementFlag.KILL))
                .isTrue();
        assertThat(StatementClassifier.classify("KILL 5").type()).isEqualTo(StatementType.UNKNOWN);
        assertThat(StatementClassifier.classify("select 'kill 5'").has(StatementFlag.KILL))
                .isFalse();
        assertThat(StatementClassifier.classify("select kill from t").has(StatementFlag.KILL))
                .isFalse();
    }
}
