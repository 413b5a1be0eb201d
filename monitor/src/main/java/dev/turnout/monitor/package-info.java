/**
 * Watches the datasources of a dataservice through JDBC: periodic probes (reachability, version,
 * {@code server_id}, {@code read_only}, GTID position, replica threads) and a heartbeat written on
 * the primary every ~100 ms that gives each replica's applied latency in milliseconds. The
 * connector uses it when no manager pushes topology, and the manager reuses it. It knows nothing
 * of routing or Netty.
 *
 * <p>Entry point: {@link dev.turnout.monitor.DatasourceMonitor#start}. Values
 * ({@link dev.turnout.monitor.Probe}, {@link dev.turnout.monitor.ReplicaStatus},
 * {@link dev.turnout.monitor.MonitorSettings}, {@link dev.turnout.monitor.DatasourceAddress}) are
 * immutable records.
 *
 * <p>Threading: a monitor runs on daemon threads of its own, named {@code turnout-monitor-*} (one
 * for rounds, one for the heartbeat, a small pool for probes); its public methods may be called
 * from any thread, and its callback runs on its round thread. Every wait is bounded by the
 * configured timeout.
 *
 * <p>Everything is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.turnout.monitor;

import org.jspecify.annotations.NullMarked;
