package dev.turnout.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The option-file lines written for {@link SandboxCluster.Builder#maxConnections(int)}; no server is started. */
class ConnectionOptionsTest {

    @Test
    void theDefaultWritesOnlyMaxConnections() {
        assertThat(MariaDbServer.connectionOptions(MariaDbServer.DEFAULT_MAX_CONNECTIONS))
                .containsExactly("max_connections=500");
    }

    @Test
    void aLimitAboveTheDefaultAlsoTurnsOnTheThreadPoolAndAsksForFiveDescriptorsPerConnection() {
        assertThat(MariaDbServer.connectionOptions(12_000))
                .containsExactly("max_connections=12000", "thread_handling=pool-of-threads", "open_files_limit=60000");
    }
}
