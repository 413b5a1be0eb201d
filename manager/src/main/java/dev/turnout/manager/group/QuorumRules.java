package dev.turnout.manager.group;

import java.util.ArrayList;
import java.util.List;

/**
 * The seeds' quorum requirements of a manager group, checked before anything starts (Tungsten's
 * deployment fails on them too):
 *
 * <ol>
 *   <li>at least three managers, active witnesses included;
 *   <li>an odd number of them, so that a split never leaves two halves of one size;
 *   <li>a dataservice of two datasources has an active witness;
 *   <li>passive or active witnesses, not both.
 * </ol>
 */
public final class QuorumRules {

    private QuorumRules() {}

    /**
     * Checks the rules.
     *
     * @param datasources the managers of datasource hosts, by name
     * @param activeWitnesses the active witnesses' hosts
     * @param passiveWitnesses the passive witnesses' hosts
     * @throws IllegalArgumentException naming every broken rule and the hosts concerned
     */
    public static void check(List<String> datasources, List<String> activeWitnesses, List<String> passiveWitnesses) {
        List<String> managers = new ArrayList<>(datasources);
        managers.addAll(activeWitnesses);
        List<String> broken = new ArrayList<>();
        String listed = managers.size() + " (" + String.join(", ", managers) + ")";
        if (!activeWitnesses.isEmpty() && !passiveWitnesses.isEmpty()) {
            broken.add("quorum rule 4 (passive or active witnesses, not both): active witnesses "
                    + String.join(", ", activeWitnesses) + " and passive witnesses "
                    + String.join(", ", passiveWitnesses)
                    + " (with enable-active-witnesses=true list every witness in members= too)");
        }
        if (datasources.size() == 2 && activeWitnesses.isEmpty()) {
            broken.add("quorum rule 3 (a dataservice of two datasources needs an active witness): "
                    + String.join(", ", datasources) + " have none (set enable-active-witnesses=true and add a"
                    + " witness host to witnesses= and members=)");
        }
        if (managers.size() < 3) {
            broken.add("quorum rule 1 (at least three managers, active witnesses included): there are " + listed);
        } else if (managers.size() % 2 == 0) {
            broken.add("quorum rule 2 (an odd number of managers, active witnesses included): there are " + listed
                    + " (add or remove an active witness)");
        }
        if (!broken.isEmpty()) {
            throw new IllegalArgumentException(
                    "the manager group breaks the seeds' quorum rules: " + String.join("; ", broken));
        }
    }

    /** How many voting members make a majority of {@code voters}. */
    public static int majority(int voters) {
        return voters / 2 + 1;
    }
}
