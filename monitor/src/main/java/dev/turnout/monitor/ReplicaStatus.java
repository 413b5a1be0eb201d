package dev.turnout.monitor;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The replication threads of a replica, as {@code SHOW ALL SLAVES STATUS} (MariaDB,
 * <a href="https://mariadb.com/kb/en/show-replica-status/">KB</a>), {@code SHOW REPLICA STATUS}
 * (MySQL 8.0.22+, <a href="https://dev.mysql.com/doc/refman/8.4/en/show-replica-status.html">manual</a>)
 * or {@code SHOW SLAVE STATUS} (older MySQL) report them.
 *
 * @param ioRunning {@code Slave_IO_Running} / {@code Replica_IO_Running} is {@code Yes}; {@code Connecting}
 *     (the receiver retries a source it cannot reach) counts as not running
 * @param sqlRunning {@code Slave_SQL_Running} / {@code Replica_SQL_Running} is {@code Yes}
 * @param sourceHost {@code Master_Host} / {@code Source_Host}
 * @param sourcePort {@code Master_Port} / {@code Source_Port}, 0 if unknown
 * @param lastIoErrno {@code Last_IO_Errno}, 0 for none
 * @param lastIoError {@code Last_IO_Error}, empty for none
 * @param lastSqlErrno {@code Last_SQL_Errno}, 0 for none
 * @param lastSqlError {@code Last_SQL_Error}, empty for none
 */
public record ReplicaStatus(
        boolean ioRunning,
        boolean sqlRunning,
        String sourceHost,
        int sourcePort,
        int lastIoErrno,
        String lastIoError,
        int lastSqlErrno,
        String lastSqlError) {

    public ReplicaStatus {
        Objects.requireNonNull(sourceHost, "sourceHost");
        Objects.requireNonNull(lastIoError, "lastIoError");
        Objects.requireNonNull(lastSqlError, "lastSqlError");
    }

    /** Both threads run and neither reports an error. */
    public boolean healthy() {
        return ioRunning && sqlRunning && lastIoErrno == 0 && lastSqlErrno == 0;
    }

    /**
     * The status of the default replication connection among the rows of a status statement:
     * MariaDB's unnamed connection ({@code Connection_name = ''}) if there is one, else the first
     * row; null for no row (the server is not a replica).
     *
     * @param rows each row by column name, looked up case-insensitively by the caller's map
     */
    static @Nullable ReplicaStatus pick(List<Map<String, String>> rows) {
        if (rows.isEmpty()) {
            return null;
        }
        for (Map<String, String> row : rows) {
            if ("".equals(row.get("Connection_name"))) {
                return fromRow(row);
            }
        }
        return fromRow(rows.get(0));
    }

    /** One row of a status statement, whichever generation of column names it uses. */
    static ReplicaStatus fromRow(Map<String, String> row) {
        return new ReplicaStatus(
                "Yes".equalsIgnoreCase(column(row, "Replica_IO_Running", "Slave_IO_Running")),
                "Yes".equalsIgnoreCase(column(row, "Replica_SQL_Running", "Slave_SQL_Running")),
                column(row, "Source_Host", "Master_Host"),
                number(column(row, "Source_Port", "Master_Port")),
                number(column(row, "Last_IO_Errno", "Last_IO_Errno")),
                column(row, "Last_IO_Error", "Last_IO_Error"),
                number(column(row, "Last_SQL_Errno", "Last_SQL_Errno")),
                column(row, "Last_SQL_Error", "Last_SQL_Error"));
    }

    private static String column(Map<String, String> row, String name, String oldName) {
        String value = row.get(name);
        if (value == null) {
            value = row.get(oldName);
        }
        return value == null ? "" : value;
    }

    private static int number(String value) {
        if (value.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
