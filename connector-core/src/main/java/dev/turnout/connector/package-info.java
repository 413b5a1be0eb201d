/**
 * The connector: its server (listener, event loops, graceful shutdown) and its command line.
 * {@link dev.turnout.connector.ConnectorServer} is thread-safe; sessions live on their event loop.
 * Everything is non-null unless annotated.
 */
@NullMarked
package dev.turnout.connector;

import org.jspecify.annotations.NullMarked;
