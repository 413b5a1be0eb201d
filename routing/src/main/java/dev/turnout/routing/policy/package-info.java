/**
 * Routing policy: quality of service, read policies (staleness bound, balancer, affinity, session
 * consistency) and the {@link dev.turnout.routing.policy.Router} that turns them and a
 * dataservice of the current topology snapshot into a
 * {@link dev.turnout.routing.policy.RouteDecision} with its {@link dev.turnout.routing.policy.Reason}.
 *
 * <p>Threading: the enums and records ({@link dev.turnout.routing.policy.ReadPolicy},
 * {@link dev.turnout.routing.policy.Affinity}) are immutable and shareable. A {@code Router} and
 * its {@code RouteDecision} belong to one session and are used from its thread only; deciding
 * allocates nothing.
 *
 * <p>Everything is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.turnout.routing.policy;

import org.jspecify.annotations.NullMarked;
