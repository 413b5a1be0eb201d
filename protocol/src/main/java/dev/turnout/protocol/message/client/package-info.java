/**
 * Packets a client sends during the connection phase and to re-authenticate: the handshake
 * response, the TLS request, COM_CHANGE_USER. Records are immutable and thread-safe; their
 * {@code toString()} never prints authentication data.
 * Everything is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.turnout.protocol.message.client;

import org.jspecify.annotations.NullMarked;
