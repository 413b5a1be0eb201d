package dev.turnout.routing.policy;

import java.util.Locale;

/** Parsing of enum constants written in configuration, hints and user maps. */
final class Names {

    private Names() {}

    /** Matches case-insensitively, with '-' and '_' interchangeable, ignoring surrounding spaces. */
    static <E extends Enum<E>> E parse(Class<E> type, String what, String text) {
        if (text != null) {
            String key = text.strip().replace('-', '_').toUpperCase(Locale.ROOT);
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(key)) {
                    return e;
                }
            }
        }
        StringBuilder valid = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            if (valid.length() > 0) {
                valid.append(", ");
            }
            valid.append(e.name());
        }
        throw new IllegalArgumentException("unknown " + what + " '" + text + "'; valid values: " + valid);
    }
}
