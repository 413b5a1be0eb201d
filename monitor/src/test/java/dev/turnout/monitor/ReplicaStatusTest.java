package dev.turnout.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReplicaStatusTest {

    private static Map<String, String> row(String... pairs) {
        Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            row.put(pairs[i], pairs[i + 1]);
        }
        return row;
    }

    @Test
    void readsMariaDbSlaveColumns() {
        ReplicaStatus status = ReplicaStatus.fromRow(row(
                "Slave_IO_Running",
                "Yes",
                "Slave_SQL_Running",
                "Yes",
                "Master_Host",
                "127.0.0.1",
                "Master_Port",
                "40123",
                "Last_IO_Errno",
                "0",
                "Last_IO_Error",
                "",
                "Last_SQL_Errno",
                "0",
                "Last_SQL_Error",
                ""));

        assertThat(status).isEqualTo(new ReplicaStatus(true, true, "127.0.0.1", 40123, 0, "", 0, ""));
        assertThat(status.healthy()).isTrue();
    }

    @Test
    void readsMySqlReplicaColumns() {
        ReplicaStatus status = ReplicaStatus.fromRow(row(
                "Replica_IO_Running",
                "Yes",
                "Replica_SQL_Running",
                "No",
                "Source_Host",
                "db1",
                "Source_Port",
                "3306",
                "Last_SQL_Errno",
                "1062",
                "Last_SQL_Error",
                "Duplicate entry"));

        assertThat(status).isEqualTo(new ReplicaStatus(true, false, "db1", 3306, 0, "", 1062, "Duplicate entry"));
        assertThat(status.healthy()).isFalse();
    }

    @Test
    void aReceiverStillConnectingIsNotRunning() {
        ReplicaStatus status = ReplicaStatus.fromRow(row(
                "Slave_IO_Running",
                "Connecting",
                "Slave_SQL_Running",
                "Yes",
                "Last_IO_Errno",
                "2003",
                "Last_IO_Error",
                "error connecting to master"));

        assertThat(status.ioRunning()).isFalse();
        assertThat(status.sqlRunning()).isTrue();
        assertThat(status.lastIoErrno()).isEqualTo(2003);
    }

    @Test
    void noRowMeansNotAReplicaAndTheUnnamedMariaDbConnectionWins() {
        assertThat(ReplicaStatus.pick(List.of())).isNull();
        ReplicaStatus picked = ReplicaStatus.pick(List.of(
                row("Connection_name", "other", "Master_Host", "elsewhere", "Master_Port", "1"),
                row("Connection_name", "", "Master_Host", "db1", "Master_Port", "3306")));

        assertThat(picked.sourceHost()).isEqualTo("db1");
    }

    @Test
    void replicaStatusStatementFollowsTheServerVersion() {
        assertThat(Prober.replicaStatusStatement(Flavor.MARIADB, "11.4.5-MariaDB-log"))
                .isEqualTo("SHOW ALL SLAVES STATUS");
        assertThat(Prober.replicaStatusStatement(Flavor.MYSQL, "8.4.3")).isEqualTo("SHOW REPLICA STATUS");
        assertThat(Prober.replicaStatusStatement(Flavor.MYSQL, "8.0.22")).isEqualTo("SHOW REPLICA STATUS");
        assertThat(Prober.replicaStatusStatement(Flavor.MYSQL, "8.0.21-log")).isEqualTo("SHOW SLAVE STATUS");
        assertThat(Prober.replicaStatusStatement(Flavor.MYSQL, "5.7.44")).isEqualTo("SHOW SLAVE STATUS");
        assertThat(Flavor.ofVersion("11.4.5-MariaDB-log")).isEqualTo(Flavor.MARIADB);
        assertThat(Flavor.ofVersion("8.4.3")).isEqualTo(Flavor.MYSQL);
    }

    @Test
    void readOnlyIsSetForAnyValueButOffAndZero() {
        assertThat(Prober.isSet("0")).isFalse();
        assertThat(Prober.isSet("OFF")).isFalse();
        assertThat(Prober.isSet("1")).isTrue();
        assertThat(Prober.isSet("ON")).isTrue();
        assertThat(Prober.isSet("NO_LOCK")).isTrue();
    }
}
