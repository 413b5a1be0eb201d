/**
 * The cluster manager of one dataservice ({@link dev.turnout.manager.Manager}): JDBC probes of
 * every datasource through {@code monitor}, a versioned
 * {@link dev.turnout.routing.topology.TopologySnapshot} folded from them, the push to connectors
 * ({@code push}), a REST API (JDK HTTP server, Basic auth) and operator actions: planned switch,
 * policy, datasource and connector states. It never sits on the data path. Switches and failovers
 * run step by step ({@code OperationRunner}), each step recorded in the manager group's operation
 * znode, so that a coordinator that dies half-way is replaced by one that finishes or undoes it
 * ({@code OperationResume}).
 *
 * <p>Threading: probes are folded on the monitor's round thread, REST requests run on two daemon
 * threads, operator actions, switches and failovers are serialised by the manager (failovers,
 * fencing and resumed operations on its one {@code turnout-manager-failover} thread); the topology is one
 * {@link dev.turnout.routing.topology.TopologyHolder}. Public methods may be called from any thread.
 *
 * <p>Everything is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.turnout.manager;

import org.jspecify.annotations.NullMarked;
