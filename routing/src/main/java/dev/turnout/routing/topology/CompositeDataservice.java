package dev.turnout.routing.topology;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Several dataservices at different sites; the active one holds the primary, the passive ones
 * replicate from it through their relay. Immutable.
 *
 * @param name the composite's name
 * @param members the names of its dataservices (copied, immutable, at least one, no duplicates)
 * @param active the name of the active member, or null when none is active
 */
public record CompositeDataservice(
        String name, List<String> members, @Nullable String active) {

    /** Validates the name and members, and that the active one is a member. */
    public CompositeDataservice {
        Checks.name(name, "name");
        Checks.notNull(members, "members");
        if (members.isEmpty()) {
            throw new IllegalArgumentException("members of composite '" + name + "' must not be empty");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            String member = Checks.name(members.get(i), "members[" + i + "]");
            if (!seen.add(member)) {
                throw new IllegalArgumentException("members of composite '" + name + "' name '" + member + "' twice");
            }
        }
        members = List.copyOf(members);
        if (active != null && !seen.contains(active)) {
            throw new IllegalArgumentException(
                    "active '" + active + "' of composite '" + name + "' is not one of its members " + members);
        }
    }
}
