package dev.turnout.sandbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Shapes the {@link SandboxCluster} that {@link SandboxExtension} injects. Looked up on the
 * parameter, then the method, then the class and its enclosing classes; without it a cluster has
 * two replicas and asynchronous replication. Clusters with the same shape are shared by all test
 * classes of the JVM.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.PARAMETER})
public @interface Sandbox {

    /** Number of replicas next to the primary. */
    int replicas() default 2;

    /** Whether replication is semi-synchronous. */
    boolean semiSync() default false;
}
