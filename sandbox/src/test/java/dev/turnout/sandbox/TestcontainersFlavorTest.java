package dev.turnout.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * The Testcontainers flavor on a machine without a Docker engine (this one): starting fails with
 * a clear reason, and {@link SandboxExtension} skips the tests that would need it.
 */
class TestcontainersFlavorTest {

    @Test
    void theSystemPropertySelectsTheFlavor() {
        String before = System.getProperty(SandboxCluster.Flavor.SYSTEM_PROPERTY);
        try {
            System.clearProperty(SandboxCluster.Flavor.SYSTEM_PROPERTY);
            assertThat(SandboxCluster.Flavor.fromSystemProperty()).isEqualTo(SandboxCluster.Flavor.MARIADB);
            System.setProperty(SandboxCluster.Flavor.SYSTEM_PROPERTY, " TestContainers ");
            assertThat(SandboxCluster.Flavor.fromSystemProperty())
                    .isEqualTo(SandboxCluster.Flavor.MYSQL_TESTCONTAINERS);
            System.setProperty(SandboxCluster.Flavor.SYSTEM_PROPERTY, "mariadb");
            assertThat(SandboxCluster.Flavor.fromSystemProperty()).isEqualTo(SandboxCluster.Flavor.MARIADB);
            System.setProperty(SandboxCluster.Flavor.SYSTEM_PROPERTY, "podman");
            assertThatThrownBy(SandboxCluster.Flavor::fromSystemProperty)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("turnout.sandbox")
                    .hasMessageContaining("podman");
        } finally {
            restore(before);
        }
    }

    @Test
    void startingWithoutADockerEngineFailsWithTheReason() {
        assertThatThrownBy(() -> SandboxCluster.builder()
                        .flavor(SandboxCluster.Flavor.MYSQL_TESTCONTAINERS)
                        .start())
                .isInstanceOf(SandboxException.class)
                .hasMessageStartingWith("no Docker engine: ");
    }

    @Test
    void theExtensionSkipsTestsThatNeedADockerEngine() {
        String before = System.getProperty(SandboxCluster.Flavor.SYSTEM_PROPERTY);
        System.setProperty(SandboxCluster.Flavor.SYSTEM_PROPERTY, "testcontainers");
        List<String> skipReasons = new ArrayList<>();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        try {
            Launcher launcher = LauncherFactory.create();
            launcher.execute(
                    LauncherDiscoveryRequestBuilder.request()
                            .selectors(selectClass(NeedsDocker.class))
                            .build(),
                    summary,
                    new TestExecutionListener() {
                        @Override
                        public void executionSkipped(TestIdentifier identifier, String reason) {
                            skipReasons.add(reason);
                        }
                    });
        } finally {
            restore(before);
        }
        assertThat(summary.getSummary().getTestsStartedCount()).isZero();
        assertThat(summary.getSummary().getTotalFailureCount()).isZero();
        assertThat(summary.getSummary().getContainersSkippedCount()).isEqualTo(1);
        assertThat(skipReasons)
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("no Docker engine: ");
    }

    private static void restore(String value) {
        if (value == null) {
            System.clearProperty(SandboxCluster.Flavor.SYSTEM_PROPERTY);
        } else {
            System.setProperty(SandboxCluster.Flavor.SYSTEM_PROPERTY, value);
        }
    }

    /** Run only through the nested launcher above (surefire skips nested classes). */
    @ExtendWith(SandboxExtension.class)
    static class NeedsDocker {

        @Test
        void wouldUseContainers(SandboxCluster cluster) {
            assertThat(cluster.flavor()).isEqualTo(SandboxCluster.Flavor.MYSQL_TESTCONTAINERS);
        }
    }
}
