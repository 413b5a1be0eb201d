package dev.turnout.connector.session;

import dev.turnout.protocol.classify.HintQos;
import dev.turnout.routing.policy.Reason;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a session does when the response to one of its client's commands is complete: nothing
 * (almost always), record a session command that succeeded, register a statement that was
 * prepared, or forget the session's state after a reset.
 */
final class AfterResponse {

    enum Kind {
        NOTHING,
        RECORD,
        PREPARED,
        RESET
    }

    static final AfterResponse NOTHING = new AfterResponse(Kind.NOTHING, null, null, HintQos.NONE);
    static final AfterResponse RESET = new AfterResponse(Kind.RESET, null, null, HintQos.NONE);

    final Kind kind;
    /** The command payload to record, or the COM_STMT_PREPARE payload. */
    final byte @Nullable [] payload;
    /** For PREPARED: why its executes stay on the primary, or null. */
    final @Nullable Reason reason;
    /** For PREPARED: the statement's qos hint, which its executes follow. */
    final HintQos hint;
    /** For PREPARED: the id given to the client when the PREPARE_OK arrives (0 = the prepare failed). */
    int statementId;
    /** For PREPARED: the server's own id of the statement. */
    int backendStatementId;

    int parameters;

    private AfterResponse(Kind kind, byte @Nullable [] payload, @Nullable Reason reason, HintQos hint) {
        this.kind = kind;
        this.payload = payload;
        this.reason = reason;
        this.hint = hint;
    }

    /** The payload of a RECORD or a PREPARED, which are always made with one. */
    byte[] commandPayload() {
        return Objects.requireNonNull(payload, "RECORD and PREPARED carry their command's payload");
    }

    static AfterResponse record(byte[] payload) {
        return new AfterResponse(Kind.RECORD, payload, null, HintQos.NONE);
    }

    static AfterResponse prepared(byte[] payload, @Nullable Reason reason, HintQos hint) {
        return new AfterResponse(Kind.PREPARED, payload, reason, hint);
    }
}
