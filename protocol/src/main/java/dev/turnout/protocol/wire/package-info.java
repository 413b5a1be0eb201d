/**
 * Spec-typed primitives of the MySQL wire format: packet framing and the basic data types.
 * Stateless and thread-safe, except {@link dev.turnout.protocol.wire.PacketFrameDecoder}, which is
 * confined to its channel's event loop. Everything is non-null unless annotated.
 */
@NullMarked
package dev.turnout.protocol.wire;

import org.jspecify.annotations.NullMarked;
