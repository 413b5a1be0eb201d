/**
 * Authentication: the password plugins' arithmetic ({@link dev.turnout.protocol.auth.Scrambles}),
 * their names, and the client side of the exchange towards a backend
 * ({@link dev.turnout.protocol.auth.ClientAuthExchange}), all without I/O. {@code Scrambles} is
 * stateless and thread-safe; an exchange is confined to its connection's event loop. Secrets are
 * compared in constant time and never appear in {@code toString()} or exception messages.
 * Everything is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.turnout.protocol.auth;

import org.jspecify.annotations.NullMarked;
