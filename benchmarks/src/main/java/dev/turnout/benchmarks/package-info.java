/**
 * JMH benchmarks of the hot path. Each benchmark state is confined to its JMH thread.
 * Everything is non-null unless annotated.
 */
@NullMarked
package dev.turnout.benchmarks;

import org.jspecify.annotations.NullMarked;
