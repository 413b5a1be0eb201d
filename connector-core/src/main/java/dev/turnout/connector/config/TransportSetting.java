package dev.turnout.connector.config;

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
        return Values.keyword(text, values(), TransportSetting::keyword);
    }
}
