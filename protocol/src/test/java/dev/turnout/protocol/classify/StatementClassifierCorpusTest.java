package dev.turnout.protocol.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every statement of {@code classify-corpus.tsv}, classified from a String, a heap buffer, a direct
 * buffer and a composite buffer, with the statement between bytes that would change the result if
 * the classifier read outside {@code [from, to)}.
 */
class StatementClassifierCorpusTest {

    /** Read before {@code from}, this would make every statement a write. */
    private static final byte[] BEFORE = "DELETE FROM t; /* ".getBytes(StandardCharsets.US_ASCII);
    /** Read after {@code to}, this would close open strings or comments, or add a write. */
    private static final byte[] AFTER = "'\"`*/ ; DELETE FROM t; /*".getBytes(StandardCharsets.US_ASCII);

    static List<Corpus.Row> rows() {
        return Corpus.rows();
    }

    @Test
    void coversAtLeastThreeHundredStatementsAndEveryTypeAndFlag() {
        List<Corpus.Row> rows = Corpus.rows();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(300);
        Set<StatementType> types = rows.stream()
                .map(Corpus.Row::type)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(StatementType.class)));
        assertThat(types).containsExactlyInAnyOrder(StatementType.values());
        long flags = rows.stream().mapToLong(Corpus.Row::flags).reduce(0, (a, b) -> a | b);
        for (StatementFlag f : StatementFlag.values()) {
            assertThat(flags & f.bit()).as(f.name()).isNotZero();
        }
        assertThat(rows.stream().map(Corpus.Row::hint)).contains(HintQos.RO_RELAXED, HintQos.RW_STRICT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void classifiesTheStatementFromAString(Corpus.Row row) {
        expect(row, StatementClassifier.classify(row.sql()), 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void classifiesTheStatementBetweenOtherBytesOfAHeapBuffer(Corpus.Row row) {
        ByteBuf buf = Unpooled.buffer();
        try {
            classifyAtOffset(row, buf);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void classifiesTheStatementBetweenOtherBytesOfADirectBuffer(Corpus.Row row) {
        ByteBuf buf = Unpooled.directBuffer();
        try {
            classifyAtOffset(row, buf);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void classifiesTheStatementSplitAcrossTheComponentsOfACompositeBuffer(Corpus.Row row) {
        byte[] sql = row.sql().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[BEFORE.length + sql.length + AFTER.length];
        System.arraycopy(BEFORE, 0, all, 0, BEFORE.length);
        System.arraycopy(sql, 0, all, BEFORE.length, sql.length);
        System.arraycopy(AFTER, 0, all, BEFORE.length + sql.length, AFTER.length);
        int split = BEFORE.length + sql.length / 2;
        CompositeByteBuf buf = Unpooled.compositeBuffer();
        try {
            buf.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(all, 0, split)));
            buf.addComponent(true, Unpooled.directBuffer().writeBytes(all, split, all.length - split));
            Classification out = new Classification();
            StatementClassifier.classify(buf, BEFORE.length, BEFORE.length + sql.length, out);
            expect(row, out, BEFORE.length);
        } finally {
            buf.release();
        }
    }

    private static void classifyAtOffset(Corpus.Row row, ByteBuf buf) {
        byte[] sql = row.sql().getBytes(StandardCharsets.UTF_8);
        buf.writeBytes(BEFORE).writeBytes(sql).writeBytes(AFTER);
        buf.readerIndex(3);
        buf.markReaderIndex();
        int writerIndex = buf.writerIndex();
        Classification out = new Classification();
        StatementClassifier.classify(buf, BEFORE.length, BEFORE.length + sql.length, out);
        expect(row, out, BEFORE.length);
        assertThat(buf.readerIndex()).isEqualTo(3);
        assertThat(buf.writerIndex()).isEqualTo(writerIndex);
    }

    private static void expect(Corpus.Row row, Classification out, int offset) {
        assertThat(out.type()).as("type of %s → %s", row, out).isEqualTo(row.type());
        assertThat(flagNames(out.flags())).as("flags of %s", row).isEqualTo(flagNames(row.flags()));
        assertThat(out.hint()).as("hint of %s", row).isEqualTo(row.hint());
        if (row.type() == StatementType.INLINE_COMMAND) {
            byte[] sql = row.sql().getBytes(StandardCharsets.UTF_8);
            int end = out.commandStart() - offset;
            assertThat(end).as("commandStart of %s", row).isBetween(8, sql.length);
            assertThat(new String(sql, end - 8, 8, StandardCharsets.US_ASCII)).isEqualToIgnoringCase("tungsten");
        } else {
            assertThat(out.commandStart()).as("commandStart of %s", row).isEqualTo(-1);
        }
    }

    private static Set<StatementFlag> flagNames(long flags) {
        Set<StatementFlag> set = EnumSet.noneOf(StatementFlag.class);
        for (StatementFlag f : StatementFlag.values()) {
            if ((flags & f.bit()) != 0) {
                set.add(f);
            }
        }
        return set;
    }
}
