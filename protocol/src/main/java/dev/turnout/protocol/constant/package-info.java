/**
 * Protocol constants: capability flags, server status flags, command bytes. Stateless.
 * Everything is non-null unless annotated.
 */
@NullMarked
package dev.turnout.protocol.constant;

import org.jspecify.annotations.NullMarked;
