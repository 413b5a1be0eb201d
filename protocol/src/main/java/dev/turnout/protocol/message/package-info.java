/**
 * Records of the packets the connector must understand or create, by direction:
 * {@code message.server} for what a server sends, {@code message.client} for what a client sends.
 * Every {@code decode} reads a packet's payload (after the 4-byte header) from the buffer's reader
 * index and throws {@link dev.turnout.protocol.message.MalformedPacketException} for bad input;
 * every {@code encode} writes the payload only, the caller writes the header and sequence id.
 * Records are immutable, validate their components and copy arrays in and out, so they are safe to
 * share between threads; static views on frames neither allocate nor move indexes.
 * Everything is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.turnout.protocol.message;

import org.jspecify.annotations.NullMarked;
