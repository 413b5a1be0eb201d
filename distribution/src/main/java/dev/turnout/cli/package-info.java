/**
 * The {@code turnout} command line and its subcommands. Runs on the main thread.
 * Everything is non-null unless annotated.
 */
@NullMarked
package dev.turnout.cli;

import org.jspecify.annotations.NullMarked;
