package dev.turnout.manager;

import java.util.Locale;

/** What {@code datasource HOST ACTION} does. */
public enum DatasourceAction {
    /** Take it out of service (SHUNNED) until recovered. */
    SHUN,
    /** Re-attach it as a replica of the current master and put it back ONLINE. */
    RECOVER,
    /** Put it back ONLINE (drop an operator's OFFLINE or SHUNNED). */
    ONLINE,
    /** Take it out of service on purpose (OFFLINE). */
    OFFLINE;

    /**
     * The action of that word, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted words
     */
    public static DatasourceAction parse(String word) {
        for (DatasourceAction a : values()) {
            if (a.name().equalsIgnoreCase(word)) {
                return a;
            }
        }
        throw new IllegalArgumentException(
                "datasource action '" + word + "' is none of shun, recover, online, offline");
    }

    /** The word in lower case, as cctrl spells it. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
