package io.sentinelpager.escalate;

import java.util.List;

/**
 * How a held page names the configuration it waits for ({@code team:soc}): by the config topic it arrives on, so the
 * processor can release the page when a record of that topic arrives.
 */
final class WaitingFor {

    static final String TEAM = "team:";
    static final String ESCALATION = "escalation:";
    static final String SCHEDULE = "schedule:";

    private WaitingFor() {
    }

    /** Whether the configuration a held page names ({@code <kind>:<id>}) is there now. */
    static boolean configured(String ref, Lifecycle.Directory directory) {
        String id = ref.substring(ref.indexOf(':') + 1);
        if (ref.startsWith(TEAM)) {
            return directory.teams().apply(id) != null;
        }
        if (ref.startsWith(ESCALATION)) {
            return directory.chains().apply(id) != null;
        }
        if (ref.startsWith(SCHEDULE)) {
            return directory.schedules().containsKey(id);
        }
        throw new IllegalArgumentException("a held page waits for '" + ref + "', which is not a team, escalation or"
                + " schedule");
    }

    /** "team soc, chain default", as the timeline says it. */
    static String describe(List<String> refs) {
        return String.join(", ", refs.stream().map(WaitingFor::describe).toList());
    }

    private static String describe(String ref) {
        int colon = ref.indexOf(':');
        String kind = ref.substring(0, colon);
        return (kind.equals("escalation") ? "chain" : kind) + " " + ref.substring(colon + 1);
    }
}
