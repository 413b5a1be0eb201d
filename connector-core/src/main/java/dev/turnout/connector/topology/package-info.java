/**
 * The connector's view of its dataservice: the topology snapshot every session reads once per
 * command, built from the configuration and kept current by the connector's own probes of the
 * datasources (reachability, replication state, GTID position, applied latency from the
 * heartbeat) until a manager pushes topology; and the per-datasource count of sessions used by the
 * least-active load balancer.
 *
 * <p>Threading: the snapshot is immutable behind one atomic reference (routing's
 * {@code TopologyHolder}); probes run on the monitor's own threads and publish whole new
 * snapshots; session counts are atomic. Everything is non-null unless annotated.
 */
@NullMarked
package dev.turnout.connector.topology;

import org.jspecify.annotations.NullMarked;
