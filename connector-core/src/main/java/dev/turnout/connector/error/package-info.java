/**
 * The connector's error taxonomy and the factory from cause to MySQL error code and SQLSTATE.
 * Stateless. Everything is non-null unless annotated.
 */
@NullMarked
package dev.turnout.connector.error;

import org.jspecify.annotations.NullMarked;
