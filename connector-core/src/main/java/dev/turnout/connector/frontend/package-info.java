/**
 * The client side's Netty adapter ({@link dev.turnout.connector.frontend.FrontendHandler}) and the
 * connection phase the connector plays as a server ({@link dev.turnout.connector.frontend.ClientLogin}:
 * greeting, TLS upgrade, authentication against {@link dev.turnout.connector.frontend.Accounts},
 * auth switch, COM_CHANGE_USER, the handshake timeout). A verified login starts the
 * {@link dev.turnout.connector.session.Session}.
 *
 * <p>Threading contract: a handler, its login and its session are confined to the client channel's
 * event loop. Nothing below this package imports it (an ArchUnit rule keeps it so). Everything is
 * non-null unless annotated.
 */
@NullMarked
package dev.turnout.connector.frontend;

import org.jspecify.annotations.NullMarked;
