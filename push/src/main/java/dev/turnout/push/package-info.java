/**
 * The manager-to-connector topology push (docs/push-protocol.md): newline-delimited JSON messages
 * over TLS 1.3, default port {@value dev.turnout.push.PushServer#DEFAULT_PORT}, after a handshake
 * in which both sides prove the shared {@link dev.turnout.push.PushSecret}. The manager runs a
 * {@link dev.turnout.push.PushServer}; each connector runs a {@link dev.turnout.push.PushClient}
 * subscribed to every manager; {@link dev.turnout.push.PushCodec} is the JSON of the messages and
 * of a {@link dev.turnout.routing.topology.TopologySnapshot}.
 *
 * <p>Threading: plain blocking sockets on daemon threads named {@code turnout-push-*}, never a
 * Netty event loop: per connection a reader and a writer thread with a bounded queue, so that no
 * caller ever waits for a peer; public methods of the server and the client may be called from any
 * thread, and values ({@link dev.turnout.push.PushMessage}, {@link dev.turnout.push.RouterInfo},
 * {@link dev.turnout.push.HoldResult}) are immutable.
 *
 * <p>Everything is non-null unless annotated {@link dev.turnout.routing.topology.Nullable}.
 */
@NullMarked
package dev.turnout.push;

import org.jspecify.annotations.NullMarked;
