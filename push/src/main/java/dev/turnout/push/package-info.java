/**
 * The manager-to-connector topology push (docs/push-protocol.md): newline-delimited JSON messages
 * over TCP, default port {@value dev.turnout.push.PushServer#DEFAULT_PORT}. The manager runs a
 * {@link dev.turnout.push.PushServer}; each connector runs a {@link dev.turnout.push.PushClient}
 * subscribed to every manager; {@link dev.turnout.push.PushCodec} is the JSON of the messages and
 * of a {@link dev.turnout.routing.topology.TopologySnapshot}.
 *
 * <p>Threading: plain blocking sockets on daemon threads named {@code turnout-push-*}, never a
 * Netty event loop; public methods of the server and the client may be called from any thread,
 * and values ({@link dev.turnout.push.PushMessage}, {@link dev.turnout.push.RouterInfo}) are
 * immutable.
 *
 * <p>Everything is non-null unless documented otherwise.
 */
@NullMarked
package dev.turnout.push;

import org.jspecify.annotations.NullMarked;
