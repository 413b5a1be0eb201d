package dev.turnout.connector.config;

import java.util.Locale;

/**
 * A quality of service as written in the configuration ({@code connector-qos}) and in the user map
 * ({@code @hostoption host qos=...}), with Tungsten's names. It is the configuration's own type: the
 * connector maps it to the routing policy's.
 */
public enum QosSetting {
    /** Every statement goes to the primary. */
    RW_STRICT,
    /** Autocommit reads may go to a qualifying replica; everything else goes to the primary. */
    RO_RELAXED;

    /**
     * Reads a value, ignoring case.
     *
     * @throws IllegalArgumentException with the part of an operator message that follows the key
     */
    static QosSetting parse(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        for (QosSetting qos : values()) {
            if (qos.name().equals(upper)) {
                return qos;
            }
        }
        throw new IllegalArgumentException(Values.quote(text) + " is not one of RW_STRICT, RO_RELAXED");
    }
}
