/**
 * The topology model: dataservices and composites, their datasources with role, state and
 * measured health ({@link dev.turnout.routing.topology.GtidPosition replication positions},
 * latency), gathered in a versioned {@link dev.turnout.routing.topology.TopologySnapshot} held by a
 * {@link dev.turnout.routing.topology.TopologyHolder}. The connector routes by it and the
 * managers produce it.
 *
 * <p>Threading: every value here is immutable and may be shared between threads; the holder is
 * the one thread-safe mutable point (an atomic reference whose version only grows). Records
 * validate their components in the constructor with messages that name the field, and copy their
 * collections into immutable ones.
 *
 * <p>Everything is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.turnout.routing.topology;

import org.jspecify.annotations.NullMarked;
