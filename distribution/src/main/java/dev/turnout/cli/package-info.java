/**
 * The {@code turnout} command line and its subcommands. Runs on the main thread.
 * Everything is non-null unless annotated.
 */
package dev.turnout.cli;
