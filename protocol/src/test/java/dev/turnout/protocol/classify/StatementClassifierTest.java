package dev.turnout.protocol.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour beyond the corpus: settings, reuse, positions, bounds, robustness, the replica rule. */
class StatementClassifierTest {

    private final List<ByteBuf> buffers = new ArrayList<>();

    @AfterEach
    void releaseBuffers() {
        buffers.forEach(ByteBuf::release);
    }

    @Test
    void backslashEndsNoStringWhenTheSessionHasNoBackslashEscapes() {
        String sql = "SELECT 'a\\' ; DELETE FROM t; -- '";
        Classification out = new Classification();
        classify(sql, out);
        assertThat(out.type()).isEqualTo(StatementType.READ);
        assertThat(out.has(StatementFlag.MULTI_STATEMENT)).isFalse();

        classify(sql, out.noBackslashEscapes(true));
        assertThat(out.type()).isEqualTo(StatementType.WRITE);
        assertThat(out.has(StatementFlag.MULTI_STATEMENT)).isTrue();
        assertThat(out.mayReadFromReplica()).isFalse();
    }

    @Test
    void keepsTheBackslashSettingAcrossCallsButResetsEverythingElse() {
        Classification out = new Classification().noBackslashEscapes(true);
        classify("/* TUNGSTEN USE qos=RO_RELAXED */ SELECT @x FOR UPDATE; SELECT 'C:\\'", out);
        assertThat(out.type()).isEqualTo(StatementType.READ);
        assertThat(out.has(StatementFlag.USER_VARIABLE)).isTrue();
        assertThat(out.hint()).isEqualTo(HintQos.RO_RELAXED);

        classify("tungsten connection status", out);
        assertThat(out.type()).isEqualTo(StatementType.INLINE_COMMAND);
        assertThat(out.commandStart()).isEqualTo(8);

        classify("SELECT 'C:\\'", out);
        assertThat(out.noBackslashEscapes()).isTrue();
        assertThat(out.type()).isEqualTo(StatementType.READ);
        assertThat(out.flags()).isZero();
        assertThat(out.hint()).isEqualTo(HintQos.NONE);
        assertThat(out.commandStart()).isEqualTo(-1);
        assertThat(out.mayReadFromReplica()).isTrue();

        classify("SELECT 'C:\\'", out.noBackslashEscapes(false));
        assertThat(out.type()).as("unterminated with backslash escapes").isEqualTo(StatementType.UNKNOWN);
    }

    @Test
    void pointsTheInlineCommandAtTheFirstByteAfterTungstenInTheBuffer() {
        ByteBuf buf = buffer("xxxxx /* hi */ TUNGSTEN connection status;yyy");
        Classification out = new Classification();
        StatementClassifier.classify(buf, 5, buf.writerIndex() - 3, out);
        assertThat(out.type()).isEqualTo(StatementType.INLINE_COMMAND);
        assertThat(out.commandStart()).isEqualTo(5 + " /* hi */ TUNGSTEN".length());
        assertThat(buf.toString(out.commandStart(), 18, StandardCharsets.US_ASCII))
                .isEqualTo(" connection status");
    }

    @Test
    void readsNothingOutsideFromAndTo() {
        ByteBuf buf = buffer("DELETE FROM t; SELECT 1 FOR UPDATE");
        Classification out = new Classification();
        StatementClassifier.classify(buf, 15, 23, out);
        assertThat(out.toString()).isEqualTo("READ");
        StatementClassifier.classify(buf, 15, 15, out);
        assertThat(out.type()).isEqualTo(StatementType.EMPTY);
        StatementClassifier.classify(buf, 0, 6, out);
        assertThat(out.type()).isEqualTo(StatementType.WRITE);
    }

    @Test
    void rejectsARangeOutsideTheBuffer() {
        ByteBuf buf = buffer("SELECT 1");
        Classification out = new Classification();
        assertThatThrownBy(() -> StatementClassifier.classify(buf, -1, 3, out))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> StatementClassifier.classify(buf, 4, 3, out))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> StatementClassifier.classify(buf, 0, buf.capacity() + 1, out))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void allowsAReplicaOnlyForReadsWithoutABlockingFlag() {
        assertThat(StatementClassifier.classify("SELECT c FROM t WHERE id = 1").mayReadFromReplica())
                .isTrue();
        assertThat(StatementClassifier.classify("/* TUNGSTEN USE qos=RW_STRICT */ SELECT 1")
                        .mayReadFromReplica())
                .as("the hint is the policy's business")
                .isTrue();
        for (String blocked : new String[] {
            "SELECT 1 FOR UPDATE",
            "SELECT 1 INTO @x",
            "SELECT LAST_INSERT_ID()",
            "SELECT GET_LOCK('a', 1)",
            "SELECT @x",
            "SELECT SQL_CALC_FOUND_ROWS 1",
            "SHOW WARNINGS",
            "SHOW PROCESSLIST",
            "SELECT 1; SELECT 2",
            "SET autocommit = 0",
            "BEGIN",
            "KILL 1",
            "",
            "SELECT 'a"
        }) {
            assertThat(StatementClassifier.classify(blocked).mayReadFromReplica())
                    .as(blocked)
                    .isFalse();
        }
    }

    @Test
    void describesItselfWithoutTheStatementText() {
        Classification out = StatementClassifier.classify(
                "/* TUNGSTEN USE qos=RO_RELAXED */ SELECT secret_column, @v FROM t FOR UPDATE");
        assertThat(out.toString()).isEqualTo("READ[LOCKING_READ,USER_VARIABLE] hint=RO_RELAXED");
        assertThat(StatementClassifier.classify("tungsten flush").toString())
                .isEqualTo("INLINE_COMMAND commandStart=8");
    }

    @Test
    void neverThrowsOnArbitraryBytesOrTruncatedStatements() {
        Random random = new Random(20261122);
        byte[] alphabet =
                "SELECTFORUPDATEINTOtungsten '\"`\\/*!M#-;()@.,=\n\t0123456789\u00e9".getBytes(StandardCharsets.UTF_8);
        Classification out = new Classification();
        for (int i = 0; i < 3_000; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int j = 0; j < bytes.length; j++) {
                bytes[j] =
                        random.nextInt(8) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            StatementClassifier.classify(buf, 0, bytes.length, out.noBackslashEscapes(random.nextBoolean()));
            assertThat(out.type()).isNotNull();
        }
        for (Corpus.Row row : Corpus.rows()) {
            byte[] sql = row.sql().getBytes(StandardCharsets.UTF_8);
            ByteBuf buf = Unpooled.wrappedBuffer(sql);
            for (int to = 0; to <= sql.length; to++) {
                StatementClassifier.classify(buf, 0, to, out);
                assertThat(out.type()).isNotNull();
            }
            StatementClassifier.classify(buf, 0, sql.length, out.noBackslashEscapes(false));
            assertThat(out.type()).as(row.toString()).isEqualTo(row.type());
        }
    }

    @Test
    void handlesHugeAndDeeplyNestedStatementsWithoutRecursion() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            sb.append("SET STATEMENT a=1 FOR ");
        }
        sb.append("SELECT 1");
        assertThat(StatementClassifier.classify(sb.toString()).type()).isEqualTo(StatementType.READ);

        String parens = "(".repeat(100_000) + "SELECT 1" + ")".repeat(100_000);
        assertThat(StatementClassifier.classify(parens).mayReadFromReplica()).isTrue();

        StringBuilder insert = new StringBuilder("INSERT INTO t VALUES (0, 'x')");
        for (int i = 1; i < 50_000; i++) {
            insert.append(", (").append(i).append(", 'it''s \\' ; SELECT')");
        }
        Classification out = StatementClassifier.classify(insert.toString());
        assertThat(out.type()).isEqualTo(StatementType.WRITE);
        assertThat(out.flags()).isZero();
    }

    @Test
    void findsAHintAfterAWriteAndInEveryStatement() {
        Classification out = StatementClassifier.classify(
                "UPDATE t SET a = 1 /* TUNGSTEN USE qos=RW_STRICT */; SELECT 1 /* tungsten use QOS=ro_relaxed */");
        assertThat(out.type()).isEqualTo(StatementType.WRITE);
        assertThat(out.hint()).isEqualTo(HintQos.RO_RELAXED);
    }

    private void classify(String sql, Classification out) {
        ByteBuf buf = buffer(sql);
        StatementClassifier.classify(buf, 0, buf.writerIndex(), out);
    }

    private ByteBuf buffer(String text) {
        ByteBuf buf = Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
        buffers.add(buf);
        return buf;
    }
}
