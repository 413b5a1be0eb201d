package dev.turnout.connector.session;

import dev.turnout.protocol.classify.HintQos;
import dev.turnout.routing.policy.Reason;
import org.jspecify.annotations.Nullable;

/**
 * A server-side prepared statement of a session. The client knows it by an id of the session's
 * own (given in place of the server's in the PREPARE_OK it receives); every server that executes
 * it — the primary that prepared it, a replica, a new primary after a switch — has its own id,
 * prepared there on demand from the same text, and the connector writes that id into each
 * command it sends there.
 *
 * <p>Per backend slot (the datasource's index in the dataservice) it remembers the statement's id
 * there and whether that server has been told the parameter types, which a client sends only with
 * an execute whose {@code new_params_bound_flag} is set; the last types sent are kept so that an
 * execute without them can be completed for a server that has never seen them.
 */
public final class PreparedStatement {

    private final int clientId;
    private final byte[] prepare;
    private final @Nullable Reason reason;
    private final HintQos hint;
    private final int parameters;
    private final int[] backendIds;
    private long typesSent;
    private byte @Nullable [] types;
    private boolean longData;

    /**
     * @param clientId   the id the client knows the statement by
     * @param prepare    the COM_STMT_PREPARE payload (command byte and statement text), to prepare it elsewhere
     * @param reason     why its executes must run on the primary, or null if a replica may run them
     * @param hint       the statement's {@code TUNGSTEN USE qos} hint, which its executes follow
     * @param parameters number of parameters
     * @param slots      number of datasources of the dataservice
     */
    public PreparedStatement(
            int clientId, byte[] prepare, @Nullable Reason reason, HintQos hint, int parameters, int slots) {
        this.clientId = clientId;
        this.prepare = prepare;
        this.reason = reason;
        this.hint = hint;
        this.parameters = parameters;
        this.backendIds = new int[slots];
    }

    public int clientId() {
        return clientId;
    }

    public byte[] preparePayload() {
        return prepare;
    }

    public @Nullable Reason reason() {
        return reason;
    }

    /** The statement's qos hint: an {@code RO_RELAXED} one lets its executes read from replicas. */
    public HintQos hint() {
        return hint;
    }

    public int parameters() {
        return parameters;
    }

    /** The statement's id on the server in {@code slot}, 0 when it is not prepared there. */
    public int backendId(int slot) {
        return slot < backendIds.length ? backendIds[slot] : 0;
    }

    public void backendId(int slot, int id) {
        if (slot < backendIds.length) {
            backendIds[slot] = id;
        }
    }

    /** Forgets the statement's id on the server in {@code slot} (its connection closed). */
    public void forget(int slot) {
        backendId(slot, 0);
        typesSent &= ~(1L << slot);
    }

    public boolean typesSentTo(int slot) {
        return (typesSent & (1L << slot)) != 0;
    }

    /**
     * Notes that an execute with parameter types went to {@code slot}, and keeps the types unless null
     * (unchanged). New types are known to that server alone: the others were told the old ones, and an
     * execute without types must bring them the new ones.
     */
    public void typesSent(int slot, byte @Nullable [] typesIfNew) {
        if (typesIfNew != null) {
            types = typesIfNew;
            typesSent = 0;
        }
        typesSent |= 1L << slot;
    }

    public byte @Nullable [] types() {
        return types;
    }

    /** Long data was sent for the next execute (it lives on the primary's copy of the statement). */
    public boolean hasLongData() {
        return longData;
    }

    public void longData(boolean pending) {
        longData = pending;
    }
}
