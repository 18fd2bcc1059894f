package io.sentinelpager.oncall.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentinelpager.schemas.MaintenanceMode;
import io.sentinelpager.schemas.MaintenanceWindow;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.TeamConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code teams} section, and the maintenance windows that a team or a policy may have. */
final class TeamsReader {

    private TeamsReader() {
    }

    static void read(Item item, Definitions defined) {
        if (!item.fields(Kind.TEAM, "id", "name", "members", "schedules", "escalation", "maintenance")) {
            return;
        }
        String id = item.id(Kind.TEAM);
        String name = item.text("name", true);
        List<MaintenanceWindow> windows = maintenance(item);
        if (id != null && name != null) {
            Definitions.put(defined.teams, Kind.TEAM, id, item, TeamConfig.newBuilder().setId(id).setName(name)
                    .setMembers(item.texts("members")).setScheduleIds(item.texts("schedules"))
                    .setEscalationChainId(item.text("escalation", false)).setMaintenance(windows).build());
        }
    }

    /** {@code maintenance: [{from, to, mode: hold|suppress, reason}]} of a team or a policy. */
    static List<MaintenanceWindow> maintenance(Item item) {
        List<MaintenanceWindow> windows = new ArrayList<>();
        JsonNode list = item.node.get("maintenance");
        if (list == null) {
            return windows;
        }
        if (!list.isArray()) {
            item.report("maintenance", "'maintenance' must be a list of {from, to, mode, reason}");
            return windows;
        }
        if (list.size() > RecordLimits.MAINTENANCE_WINDOWS) {
            // Each routed alert carries its policy's windows: their number bounds the record's size.
            item.report("maintenance", "'maintenance' has " + list.size() + " windows; the limit is "
                    + RecordLimits.MAINTENANCE_WINDOWS + " (remove the windows that are over)");
            return windows;
        }
        for (int i = 0; i < list.size(); i++) {
            Item w = item.element("maintenance", i, item.label() + " maintenance window " + (i + 1));
            if (!w.fields(Kind.part("a", "maintenance window"), "from", "to", "mode", "reason")) {
                continue;
            }
            Instant from = w.instant("from");
            Instant to = w.instant("to");
            String mode = w.text("mode", false);
            MaintenanceMode parsed = mode == null ? MaintenanceMode.HOLD : Item.enumValue(MaintenanceMode.class, mode);
            if (parsed == null) {
                w.report("mode", "mode '" + mode + "' is not hold (page when the window ends) or suppress");
            } else if (from != null && to != null && !to.isAfter(from)) {
                w.report("to", "a maintenance window must end after it starts");
            } else if (from != null && to != null) {
                windows.add(MaintenanceWindow.newBuilder().setStart(from).setEnd(to).setMode(parsed)
                        .setReason(w.reason("reason")).build());
            }
        }
        return windows;
    }
}
