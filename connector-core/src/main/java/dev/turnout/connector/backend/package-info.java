/**
 * Connections from the connector to database servers. A backend connection lives on the event
 * loop of the client session that owns it; nothing here is shared between threads.
 * Everything is non-null unless annotated.
 */
package dev.turnout.connector.backend;
