package dev.turnout.protocol.classify;

/**
 * The result of {@link StatementClassifier#classify}: a type, flags and a routing hint.
 *
 * <p>Mutable and reused: one instance belongs to one session (so to one event loop; it is not
 * thread-safe) and every {@code classify} call overwrites it completely, so the hot path creates no
 * object per statement. It also carries the one input setting that outlives a statement,
 * {@link #noBackslashEscapes(boolean)}.
 */
public final class Classification {

    /** Flags that keep a READ on the primary. */
    private static final long REPLICA_BLOCKERS = StatementFlag.LOCKING_READ.bit()
            | StatementFlag.SELECT_INTO.bit()
            | StatementFlag.SESSION_FUNCTION.bit()
            | StatementFlag.LOCK_FUNCTION.bit()
            | StatementFlag.USER_VARIABLE.bit()
            | StatementFlag.CALC_FOUND_ROWS.bit()
            | StatementFlag.DIAGNOSTICS.bit()
            | StatementFlag.SERVER_SPECIFIC.bit()
            | StatementFlag.MULTI_STATEMENT.bit();

    final Scanner scanner = new Scanner();
    private StatementType type = StatementType.EMPTY;
    private long flags;
    private HintQos hint = HintQos.NONE;
    private int commandStart = -1;
    private boolean noBackslashEscapes;

    /** An empty classification (type {@link StatementType#EMPTY}) to pass to {@code classify}. */
    public Classification() {}

    /** The statement's type. */
    public StatementType type() {
        return type;
    }

    /** Whether the statement has the flag. */
    public boolean has(StatementFlag f) {
        return (flags & f.bit()) != 0;
    }

    /** All flags as a bit mask of {@link StatementFlag#bit()}s. */
    public long flags() {
        return flags;
    }

    /** The QoS asked for by the last {@code TUNGSTEN USE qos=…} comment, or {@link HintQos#NONE}. */
    public HintQos hint() {
        return hint;
    }

    /**
     * For INLINE_COMMAND: index (absolute, in the buffer) of the first byte after the word "tungsten";
     * -1 for every other type.
     */
    public int commandStart() {
        return commandStart;
    }

    /**
     * Type READ and none of LOCKING_READ, SELECT_INTO, SESSION_FUNCTION, LOCK_FUNCTION, USER_VARIABLE,
     * CALC_FOUND_ROWS, DIAGNOSTICS, SERVER_SPECIFIC, MULTI_STATEMENT. The statement itself allows a
     * replica; whether one is chosen is the routing policy's business (transaction, QoS, consistency).
     */
    public boolean mayReadFromReplica() {
        return type == StatementType.READ && (flags & REPLICA_BLOCKERS) == 0;
    }

    /**
     * Whether backslash is an ordinary character in string literals, as with the server's
     * {@code NO_BACKSLASH_ESCAPES} SQL mode. The session keeps this in step with the
     * {@code SERVER_STATUS_NO_BACKSLASH_ESCAPES} bit of the server's last OK/EOF packet: it decides
     * where a string like {@code 'a\'} ends. Default false (the servers' default). Not reset by
     * {@code classify}.
     */
    public Classification noBackslashEscapes(boolean on) {
        this.noBackslashEscapes = on;
        return this;
    }

    /** See {@link #noBackslashEscapes(boolean)}. */
    public boolean noBackslashEscapes() {
        return noBackslashEscapes;
    }

    void set(StatementType type, long flags, HintQos hint, int commandStart) {
        this.type = type;
        this.flags = flags;
        this.hint = hint;
        this.commandStart = commandStart;
    }

    /** For logs and tests, e.g. {@code READ[LOCKING_READ,USER_VARIABLE] hint=RO_RELAXED}; never the SQL. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(type.name());
        if (flags != 0) {
            sb.append('[');
            for (StatementFlag f : StatementFlag.values()) {
                if (has(f)) {
                    sb.append(f.name()).append(',');
                }
            }
            sb.setCharAt(sb.length() - 1, ']');
        }
        if (hint != HintQos.NONE) {
            sb.append(" hint=").append(hint.name());
        }
        if (commandStart >= 0) {
            sb.append(" commandStart=").append(commandStart);
        }
        return sb.toString();
    }
}
