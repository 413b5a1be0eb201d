/**
 * Protocol constants: capability flags, server status flags, command bytes. Stateless.
 * Everything is non-null unless annotated.
 */
package dev.turnout.protocol.constant;
