package dev.turnout.push;

import java.util.List;

/**
 * How a {@link PushServer#hold} went: the connectors that acknowledged within the bound, and the
 * ones that did not (the manager goes on without them; each is logged).
 *
 * @param request the id of the hold
 * @param acknowledged the connectors that acknowledged, by name
 * @param unacknowledged the connectors asked to hold that did not acknowledge in time, by name
 */
public record HoldResult(long request, List<String> acknowledged, List<String> unacknowledged) {

    /** Copies the lists. */
    public HoldResult {
        acknowledged = List.copyOf(acknowledged);
        unacknowledged = List.copyOf(unacknowledged);
    }

    /** True when every connector asked acknowledged. */
    public boolean complete() {
        return unacknowledged.isEmpty();
    }
}
