package dev.turnout.connector.session;

import dev.turnout.protocol.constant.Command;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One command a {@link FakeServer} received on one of its connections, as the session sent it.
 * {@link #toString()} is what tests compare: the SQL text of a COM_QUERY, else the command's name
 * and its argument ({@code COM_INIT_DB shop}, {@code COM_STMT_PREPARE SELECT …},
 * {@code COM_STMT_EXECUTE 201}, {@code COM_PROCESS_KILL 1001}, {@code COM_QUIT}).
 *
 * @param threadId   the server thread id of the connection it arrived on
 * @param payload    the whole command payload (command byte first)
 * @param parameters for COM_STMT_EXECUTE: the parameter count of the statement it names on that
 *     connection, -1 when the connection does not know the statement
 */
record ReceivedCommand(long threadId, byte[] payload, int parameters) {

    int command() {
        return payload[0] & 0xFF;
    }

    /** The statement id of a COM_STMT_* command. */
    int statementId() {
        return ByteBuffer.wrap(payload, 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /** The SQL of a COM_QUERY or COM_STMT_PREPARE, the schema of a COM_INIT_DB. */
    String text() {
        return new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8);
    }

    /** For COM_STMT_EXECUTE of a statement with parameters: whether new_params_bound_flag is set. */
    boolean typesBound() {
        int flag = typesFlagIndex();
        return flag >= 0 && flag < payload.length && payload[flag] == 1;
    }

    /** The parameter types an execute carries (two bytes per parameter), as hex; "" when it carries none. */
    String parameterTypes() {
        if (!typesBound()) {
            return "";
        }
        int from = typesFlagIndex() + 1;
        return HexFormat.of()
                .formatHex(Arrays.copyOfRange(payload, from, Math.min(payload.length, from + 2 * parameters)));
    }

    private int typesFlagIndex() {
        if (command() != Command.COM_STMT_EXECUTE || parameters <= 0) {
            return -1;
        }
        return 1 + 4 + 1 + 4 + (parameters + 7) / 8;
    }

    @Override
    public String toString() {
        return switch (command()) {
            case Command.COM_QUERY -> text();
            case Command.COM_INIT_DB -> "COM_INIT_DB " + text();
            case Command.COM_STMT_PREPARE -> "COM_STMT_PREPARE " + text();
            case Command.COM_STMT_EXECUTE -> "COM_STMT_EXECUTE " + statementId();
            case Command.COM_STMT_CLOSE -> "COM_STMT_CLOSE " + statementId();
            case Command.COM_STMT_SEND_LONG_DATA -> "COM_STMT_SEND_LONG_DATA " + statementId();
            case Command.COM_STMT_RESET -> "COM_STMT_RESET " + statementId();
            case Command.COM_PROCESS_KILL -> "COM_PROCESS_KILL " + Integer.toUnsignedString(statementId());
            case Command.COM_QUIT -> "COM_QUIT";
            case Command.COM_PING -> "COM_PING";
            case Command.COM_RESET_CONNECTION -> "COM_RESET_CONNECTION";
            default -> "COM_0x" + Integer.toHexString(command());
        };
    }
}
