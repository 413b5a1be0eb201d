package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.SQLException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The SQLException a driver call must throw, for assertions on its code, SQLSTATE and message. */
final class SqlErrors {

    private SqlErrors() {}

    /** Runs {@code call}, asserts that it threw an SQLException, and returns it. */
    static SQLException thrownBy(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as("the call fails with an SQLException").isInstanceOf(SQLException.class);
        return (SQLException) thrown;
    }
}
