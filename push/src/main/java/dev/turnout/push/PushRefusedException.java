package dev.turnout.push;

import java.io.IOException;

/**
 * A push peer was refused: it did not prove the shared secret, or sent what the protocol does not
 * allow. The message says why, for the log line that names the peer.
 */
final class PushRefusedException extends IOException {

    private static final long serialVersionUID = 1L;

    PushRefusedException(String reason) {
        super(reason);
    }
}
