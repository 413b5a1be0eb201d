package dev.turnout.protocol.message;

/**
 * A packet could not be decoded: it is truncated, has the wrong header byte, or carries a value
 * the protocol does not allow. Decoders throw this instead of letting buffer exceptions escape,
 * so a caller can treat every decoding failure as one protocol violation.
 */
public final class MalformedPacketException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MalformedPacketException(String message) {
        super(message);
    }

    public MalformedPacketException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Wraps a failure raised while decoding {@code packet}: buffer underflows, bad length-encoded
     * integers and record validation become one {@code MalformedPacketException} whose message
     * names the packet; one that already names it is returned as is.
     */
    public static MalformedPacketException decoding(String packet, RuntimeException cause) {
        if (cause instanceof MalformedPacketException malformed
                && String.valueOf(malformed.getMessage()).contains(packet)) {
            return malformed;
        }
        String reason = cause instanceof IndexOutOfBoundsException ? "truncated" : cause.getMessage();
        return new MalformedPacketException("malformed " + packet + ": " + reason, cause);
    }
}
