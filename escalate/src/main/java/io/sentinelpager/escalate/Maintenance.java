package io.sentinelpager.escalate;

import io.sentinelpager.schemas.MaintenanceMode;
import io.sentinelpager.schemas.MaintenanceWindow;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.TimelineEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which maintenance window is in force for a page, and what it does: a window that suppresses closes the page without
 * paging anybody; one that holds delays the first step to the window's end (see {@link Escalation#pageOrHold}).
 */
final class Maintenance {

    private Maintenance() {
    }

    /** The window in force for the team or the routing policy now, suppression before hold. */
    static Optional<MaintenanceWindow> inForce(TeamConfig team, List<MaintenanceWindow> policyWindows, Instant now) {
        List<MaintenanceWindow> windows = new ArrayList<>(policyWindows);
        if (team != null) {
            windows.addAll(team.getMaintenance());
        }
        return windows.stream().filter(w -> !now.isBefore(w.getStart()) && now.isBefore(w.getEnd()))
                .min(Comparator.comparing(w -> w.getMode() == MaintenanceMode.SUPPRESS ? 0 : 1));
    }

    static boolean suppresses(Optional<MaintenanceWindow> window) {
        return window.isPresent() && window.get().getMode() == MaintenanceMode.SUPPRESS;
    }

    static TimelineEvent suppressed(MaintenanceWindow window, Instant now) {
        return Change.event(now, "suppressed", null, null, "maintenance until " + window.getEnd() + reason(window));
    }

    static TimelineEvent holding(MaintenanceWindow window, Instant now) {
        return Change.event(now, "held", null, null, "maintenance; paging at " + window.getEnd() + reason(window));
    }

    private static String reason(MaintenanceWindow window) {
        return window.getReason() == null ? "" : " (" + window.getReason() + ")";
    }
}
