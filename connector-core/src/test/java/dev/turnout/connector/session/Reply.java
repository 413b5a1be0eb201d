package dev.turnout.connector.session;

import java.util.ArrayList;
import java.util.List;

/**
 * One complete response the client received from the connector, decoded enough to assert on. The
 * accessors {@link #asOk()}, {@link #asErr()}, {@link #asRows()} and {@link #asPrepared()} fail the test
 * with what was received instead when the reply is of another kind.
 */
sealed interface Reply {

    /** OK (also the 0xFE OK that ends a result set, as {@link Rows#status()}). */
    record Ok(long affectedRows, int status, String info) implements Reply {}

    record Err(int code, String sqlState, String message) implements Reply {
        @Override
        public String toString() {
            return "ERR " + code + " (" + sqlState + ") " + message;
        }
    }

    /** A text or binary result set, every value as a string (null for SQL NULL). */
    record Rows(List<String> columns, List<List<String>> rows, int status) implements Reply {

        /** The values of a one-column result, one per row. */
        List<String> values() {
            List<String> values = new ArrayList<>();
            for (List<String> row : rows) {
                if (row.size() != 1) {
                    throw new AssertionError(
                            "a row of " + row.size() + " values where one column was expected: " + this);
                }
                values.add(row.get(0));
            }
            return values;
        }
    }

    /** PREPARE_OK: the statement id the client was given. */
    record Prepared(int statementId, int parameters, int columns) implements Reply {}

    default Ok asOk() {
        return as(Ok.class);
    }

    default Err asErr() {
        return as(Err.class);
    }

    default Rows asRows() {
        return as(Rows.class);
    }

    default Prepared asPrepared() {
        return as(Prepared.class);
    }

    private <T extends Reply> T as(Class<T> kind) {
        if (!kind.isInstance(this)) {
            throw new AssertionError("expected " + kind.getSimpleName() + " but the client received " + this);
        }
        return kind.cast(this);
    }
}
