/**
 * The cluster manager of one dataservice ({@link dev.turnout.manager.Manager}): JDBC probes of
 * every datasource through {@code monitor}, a versioned
 * {@link dev.turnout.routing.topology.TopologySnapshot} folded from them, the push to connectors
 * ({@code push}), a REST API (JDK HTTP server, Basic auth) and operator actions: planned switch,
 * policy, datasource and connector states. It never sits on the data path.
 *
 * <p>Threading: probes are folded on the monitor's round thread, REST requests run on two daemon
 * threads, operator actions are serialised by the manager; the topology is one
 * {@link dev.turnout.routing.topology.TopologyHolder}. Public methods may be called from any thread.
 *
 * <p>Everything is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.turnout.manager;

import org.jspecify.annotations.NullMarked;
