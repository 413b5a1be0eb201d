/**
 * The manager group of one dataservice: the managers (one per datasource host) and active
 * witnesses coordinate through Apache ZooKeeper with Curator — embedded quorum peers by default
 * ({@link dev.turnout.manager.group.EmbeddedZooKeeper}), or an existing ensemble. One of them, the
 * coordinator, is elected ({@link dev.turnout.manager.group.ManagerGroup}); only it changes the
 * topology, through a versioned znode written with a conditional update, under its election epoch,
 * and records a switch or failover in progress the same way, step by step
 * ({@link dev.turnout.manager.group.OperationLog}).
 * The seeds' quorum rules ({@link dev.turnout.manager.group.QuorumRules}) are checked before
 * anything starts.
 *
 * <p>Everything is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.turnout.manager.group;

import org.jspecify.annotations.NullMarked;
