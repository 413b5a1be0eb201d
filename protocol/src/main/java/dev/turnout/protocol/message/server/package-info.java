/**
 * Packets a server sends: the greeting, OK/ERR/EOF, and the authentication exchange's switch
 * requests and extra data. Records are immutable and thread-safe; the static frame views allocate
 * nothing and move no index, so they may be used on the event loop's hot path.
 * Everything is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.turnout.protocol.message.server;

import org.jspecify.annotations.NullMarked;
