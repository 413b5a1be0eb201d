package dev.turnout.routing.topology;

/** Argument checks shared by the records of the model, with messages that name the field. */
final class Checks {

    private Checks() {}

    static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new NullPointerException(field + " must not be null");
        }
        return value;
    }

    static String name(String value, String field) {
        notNull(value, field);
        if (value.isBlank() || !value.strip().equals(value)) {
            throw new IllegalArgumentException(
                    field + " must be a non-blank name without surrounding spaces, got '" + value + "'");
        }
        return value;
    }
}
