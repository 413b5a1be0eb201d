package dev.turnout.sandbox;

import java.lang.reflect.AnnotatedElement;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension that injects a running {@link SandboxCluster} into test constructors, test
 * methods and lifecycle methods ({@code @BeforeAll} included):
 *
 * <pre>{@code
 * @ExtendWith(SandboxExtension.class)
 * class RoutingIT {
 *     @Test
 *     void writesGoToThePrimary(SandboxCluster cluster) { ... }
 * }
 * }</pre>
 *
 * <p>Starting servers is slow, so one cluster per shape ({@link Sandbox}: replicas, semi-sync)
 * is shared by every test class of the JVM: it lives in the root {@link ExtensionContext.Store}
 * and stops when the test plan has finished. Other extensions get the same clusters from
 * {@link #sharedCluster(ExtensionContext, Sandbox)}. Tests that stop or kill a server of the shared
 * cluster must start it again before they return.
 *
 * <p>The flavor comes from the system property {@value SandboxCluster.Flavor#SYSTEM_PROPERTY}
 * ({@link SandboxCluster.Flavor#fromSystemProperty()}). With {@code testcontainers} and no Docker
 * engine, every test class using this extension is skipped with the reason
 * {@code "no Docker engine: ..."}. If a cluster fails to start, the failure is kept and reported
 * to every test that asks for it, instead of paying the start-up timeout again.
 */
public final class SandboxExtension implements ParameterResolver, ExecutionCondition {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SandboxExtension.class);
    private static final String DOCKER_PROBE = "docker-probe";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        SandboxCluster.Flavor flavor = SandboxCluster.Flavor.fromSystemProperty();
        if (flavor != SandboxCluster.Flavor.MYSQL_TESTCONTAINERS) {
            return ConditionEvaluationResult.enabled("the MariaDB sandbox needs no Docker engine");
        }
        DockerProbe probe = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(DOCKER_PROBE, key -> DockerProbe.run(), DockerProbe.class);
        return probe.problem()
                .map(problem -> ConditionEvaluationResult.disabled("no Docker engine: " + problem))
                .orElseGet(() -> ConditionEvaluationResult.enabled("a Docker engine answers"));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == SandboxCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return sharedCluster(
                extensionContext,
                parameterContext.findAnnotation(Sandbox.class).orElse(null),
                ParameterResolutionException::new);
    }

    /**
     * The running cluster of {@code shape} shared by every test class of the JVM, started on first
     * use, for other extensions (a parameter of type {@link SandboxCluster} gets the same one).
     *
     * @param context any context of the test plan; the cluster lives in its root store
     * @param shape the cluster's shape; if null, the {@link Sandbox} annotation of the context's test
     *     method or test class (or an enclosing class), else the default of two replicas without semi-sync
     * @throws IllegalStateException if the cluster did not start (now or on an earlier request)
     */
    public static SandboxCluster sharedCluster(ExtensionContext context, @Nullable Sandbox shape) {
        return sharedCluster(context, shape, IllegalStateException::new);
    }

    private static SandboxCluster sharedCluster(
            ExtensionContext context,
            @Nullable Sandbox requested,
            BiFunction<String, Throwable, RuntimeException> notStarted) {
        Sandbox shape = Optional.ofNullable(requested)
                .or(() -> context.getTestMethod().flatMap(method -> find(method)))
                .or(() -> context.getTestClass().flatMap(SandboxExtension::findOnClass))
                .orElse(null);
        int replicas = shape == null ? 2 : shape.replicas();
        boolean semiSync = shape != null && shape.semiSync();
        SandboxCluster.Flavor flavor = SandboxCluster.Flavor.fromSystemProperty();
        String key = "cluster/" + flavor + "/replicas=" + replicas + "/semiSync=" + semiSync;
        SharedCluster shared = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        key,
                        ignored -> SharedCluster.start(SandboxCluster.builder()
                                .flavor(flavor)
                                .replicas(replicas)
                                .semiSync(semiSync)),
                        SharedCluster.class);
        RuntimeException failure = shared.failure();
        if (failure != null) {
            throw notStarted.apply("the sandbox cluster " + key + " did not start: " + failure.getMessage(), failure);
        }
        return Objects.requireNonNull(shared.cluster(), "a shared cluster has either started or failed");
    }

    private static Optional<Sandbox> find(AnnotatedElement element) {
        return AnnotationSupport.findAnnotation(element, Sandbox.class);
    }

    private static Optional<Sandbox> findOnClass(Class<?> testClass) {
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            Optional<Sandbox> found = find(type);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * A started cluster or the reason it did not start (exactly one of the two is non-null); closed
     * with the root context.
     */
    private static final class SharedCluster implements ExtensionContext.Store.CloseableResource {

        private final @Nullable SandboxCluster cluster;
        private final @Nullable RuntimeException failure;

        private SharedCluster(@Nullable SandboxCluster cluster, @Nullable RuntimeException failure) {
            this.cluster = cluster;
            this.failure = failure;
        }

        static SharedCluster start(SandboxCluster.Builder builder) {
            try {
                return new SharedCluster(builder.start(), null);
            } catch (RuntimeException e) {
                return new SharedCluster(null, e);
            }
        }

        @Nullable
        SandboxCluster cluster() {
            return cluster;
        }

        @Nullable
        RuntimeException failure() {
            return failure;
        }

        @Override
        public void close() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** Whether a Docker engine answers, asked once per JVM. */
    private static final class DockerProbe {

        /** Why no Docker engine answers; null when one does. */
        private final @Nullable String problem;

        private DockerProbe(@Nullable String problem) {
            this.problem = problem;
        }

        static DockerProbe run() {
            try {
                return new DockerProbe(MySqlContainerLauncher.dockerProblem().orElse(null));
            } catch (LinkageError e) {
                return new DockerProbe("Testcontainers is not on the class path (" + e + ")");
            }
        }

        Optional<String> problem() {
            return Optional.ofNullable(problem);
        }
    }
}
