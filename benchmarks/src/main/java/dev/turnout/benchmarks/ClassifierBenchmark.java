package dev.turnout.benchmarks;

import dev.turnout.protocol.classify.Classification;
import dev.turnout.protocol.classify.StatementClassifier;
import dev.turnout.protocol.classify.StatementType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of classifying one statement with {@link StatementClassifier} from a direct buffer, the
 * way the connector sees a COM_QUERY payload (the statement after the command byte). {@code MIX}
 * cycles through a sysbench-like mix; the other values classify one kind of statement each.
 * Run with {@code -prof gc} to see that it allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClassifierBenchmark {

    private static final String POINT_SELECT = "SELECT c FROM sbtest1 WHERE id=5012";
    private static final String RANGE_SELECT =
            "SELECT DISTINCT c FROM sbtest3 WHERE id BETWEEN 4012 AND 4111 ORDER BY c";
    private static final String UPDATE = "UPDATE sbtest2 SET k=k+1 WHERE id=5034";
    private static final String INSERT = "INSERT INTO sbtest4 (id, k, c, pad) VALUES (5003, 4993, "
            + "'83868641912-28773972837-60736120486-75162659906-27563526494-20381887404-41576422241-93426793964-56405065102-33518432330', "
            + "'67847967377-48000963322-62604785301-91415491898-96926520291')";
    private static final String BEGIN = "BEGIN";
    private static final String COMMIT = "COMMIT";

    /** The statements of a sysbench oltp_read_write transaction, in their proportions. */
    private static final String[] MIX = {
        BEGIN,
        POINT_SELECT,
        POINT_SELECT,
        POINT_SELECT,
        POINT_SELECT,
        POINT_SELECT,
        POINT_SELECT,
        POINT_SELECT,
        POINT_SELECT,
        POINT_SELECT,
        POINT_SELECT,
        RANGE_SELECT,
        RANGE_SELECT,
        RANGE_SELECT,
        RANGE_SELECT,
        UPDATE,
        UPDATE,
        "DELETE FROM sbtest2 WHERE id=5034",
        INSERT,
        COMMIT,
        longSelect(),
    };

    @Param({"MIX", "POINT_SELECT", "RANGE_SELECT", "UPDATE", "INSERT", "BEGIN", "COMMIT", "LONG_SELECT"})
    public String statement;

    private final Classification out = new Classification();
    private ByteBuf[] buffers;
    private int next;

    @Setup
    public void setUp() {
        String[] texts = switch (statement) {
            case "MIX" -> MIX;
            case "POINT_SELECT" -> new String[] {POINT_SELECT};
            case "RANGE_SELECT" -> new String[] {RANGE_SELECT};
            case "UPDATE" -> new String[] {UPDATE};
            case "INSERT" -> new String[] {INSERT};
            case "BEGIN" -> new String[] {BEGIN};
            case "COMMIT" -> new String[] {COMMIT};
            case "LONG_SELECT" -> new String[] {longSelect()};
            default -> throw new IllegalArgumentException(statement);
        };
        buffers = new ByteBuf[texts.length];
        for (int i = 0; i < texts.length; i++) {
            byte[] sql = texts[i].getBytes(StandardCharsets.UTF_8);
            // a COM_QUERY packet: 4-byte header, command byte, statement
            buffers[i] = Unpooled.directBuffer(5 + sql.length)
                    .writeZero(4)
                    .writeByte(3)
                    .writeBytes(sql);
        }
    }

    @TearDown
    public void tearDown() {
        for (ByteBuf buf : buffers) {
            buf.release();
        }
    }

    @Benchmark
    public StatementType classify() {
        ByteBuf buf = buffers[next];
        if (++next == buffers.length) {
            next = 0;
        }
        StatementClassifier.classify(buf, 5, buf.writerIndex(), out);
        return out.type();
    }

    /** About 2 KB: a reporting query with comments, a hint, strings, subqueries and a CTE. */
    static String longSelect() {
        StringBuilder sb = new StringBuilder("/* app=reports, controller=monthly, TUNGSTEN USE qos=RO_RELAXED */\n"
                + "WITH recent AS (\n  -- orders of the last month\n  SELECT o.id, o.customer_id, o.total\n"
                + "  FROM orders o WHERE o.created_at >= NOW() - INTERVAL 1 MONTH AND o.status <> 'cancelled'\n)\n"
                + "SELECT c.id, c.name, SUM(r.total) AS revenue,\n");
        int i = 0;
        while (sb.length() < 1900) {
            sb.append("  MAX(CASE WHEN r.total > ")
                    .append(i * 100)
                    .append(" THEN 'tier ")
                    .append(i)
                    .append("' ELSE \"none\" END) AS `tier_")
                    .append(i)
                    .append("`, /* column ")
                    .append(i)
                    .append(" */\n");
            i++;
        }
        sb.append("  COUNT(*) AS orders\nFROM customers c JOIN recent r ON r.customer_id = c.id\n"
                + "WHERE c.id IN (SELECT customer_id FROM vip WHERE level >= 3) # only VIPs\n"
                + "GROUP BY c.id, c.name ORDER BY revenue DESC LIMIT 100");
        return sb.toString();
    }
}
