package dev.turnout.protocol.classify;

/**
 * The quality of service asked for by a routing hint in a comment of the statement:
 * {@code /* TUNGSTEN USE qos=RO_RELAXED *}{@code /} or {@code qos=RW_STRICT}.
 */
public enum HintQos {
    /** No hint in the statement. */
    NONE,
    /** {@code qos=RW_STRICT}: run on the primary. */
    RW_STRICT,
    /** {@code qos=RO_RELAXED}: a replica may run it if one qualifies. */
    RO_RELAXED
}
