package dev.turnout.connector.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * The socket transport of the connector's event loops ({@code connector-transport}). The
 * configuration's own type: the connector maps it to Netty's transports.
 */
public enum TransportSetting {
    /** Native epoll where the platform has it, else NIO. */
    AUTO("auto"),
    /** Linux's epoll (fails at start where it is not available). */
    EPOLL("epoll"),
    /** Linux's io_uring (fails at start where the kernel does not allow it). */
    IO_URING("io_uring"),
    /** Java's NIO selectors, everywhere. */
    NIO("nio");

    private final String keyword;

    TransportSetting(String keyword) {
        this.keyword = keyword;
    }

    /** The value as written in the file, e.g. {@code io_uring}. */
    public String keyword() {
        return keyword;
    }

    /**
     * Reads a value, ignoring case.
     *
     * @throws IllegalArgumentException with the part of an operator message that follows the key
     */
    static TransportSetting parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (TransportSetting transport : values()) {
            if (transport.keyword.equals(lower)) {
                return transport;
            }
        }
        throw new IllegalArgumentException(Values.quote(text) + " is not one of "
                + String.join(
                        ", ",
                        Arrays.stream(values()).map(TransportSetting::keyword).toList()));
    }
}
