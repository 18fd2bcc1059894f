package io.sentinelpager.oncall.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentinelpager.schemas.LayerRestriction;
import io.sentinelpager.schemas.RotationLayer;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.ScheduleOverride;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The {@code schedules} section: rotations (as layers or the one-layer shorthand) and the overrides on top. */
final class SchedulesReader {

    private SchedulesReader() {
    }

    static void read(Item item, Definitions defined) {
        if (!item.fields(Kind.SCHEDULE, "id", "name", "timeZone", "layers", "overrides",
                "participants", "shiftLength", "handoffStart")) {
            return;
        }
        String id = item.id(Kind.SCHEDULE);
        String name = item.text("name", true);
        String zone = item.zone("timeZone", "UTC");
        List<RotationLayer> layers = layers(item);
        List<ScheduleOverride> overrides = overrides(item, ZoneId.of(zone));
        if (id != null && name != null) {
            Definitions.put(defined.schedules, Kind.SCHEDULE, id, item, ScheduleConfig.newBuilder().setId(id)
                    .setName(name).setTimeZone(zone).setLayers(layers).setOverrides(overrides).build());
        }
    }

    private static List<RotationLayer> layers(Item item) {
        List<RotationLayer> layers = new ArrayList<>();
        JsonNode list = item.node.get("layers");
        if (list != null && (item.node.has("participants") || item.node.has("shiftLength"))) {
            item.report(null, "use either 'layers' or the one-layer shorthand (participants, shiftLength,"
                    + " handoffStart), not both");
        } else if (list == null) {
            layer(item, item.label(), layers);
        } else if (!list.isArray() || list.isEmpty()) {
            item.report("layers", "'layers' must be a list of at least one rotation");
        } else {
            for (int i = 0; i < list.size(); i++) {
                Item layer = item.element("layers", i, item.label() + " layer " + (i + 1));
                if (layer.fields(Kind.part("a", "layer"), "name", "participants", "shiftLength", "handoffStart",
                        "restriction")) {
                    layer(layer, layer.text("name", false), layers);
                }
            }
        }
        return layers;
    }

    /** One rotation: participants, shift length, first hand-off, and an optional window of days and hours. */
    private static void layer(Item item, String name, List<RotationLayer> layers) {
        List<String> participants = item.texts("participants");
        if (participants.isEmpty()) {
            item.report("participants", "a rotation needs at least one participant");
        }
        RotationLayer.Builder b = RotationLayer.newBuilder().setParticipants(participants);
        if (name != null) {
            b.setName(name);
        }
        String shift = item.text("shiftLength", false);
        if (shift != null) {
            try {
                if (Duration.parse(shift).compareTo(Duration.ofMinutes(15)) < 0) {
                    item.report("shiftLength", "shiftLength " + shift + " is shorter than 15 minutes");
                }
                b.setShiftLength(shift);
            } catch (DateTimeException e) {
                item.report("shiftLength", "shiftLength '" + shift + "' is not an ISO-8601 duration such as P7D,"
                        + " P1D or PT12H");
            }
        }
        LocalDateTime handoff = item.node.has("handoffStart") ? item.localDateTime("handoffStart") : null;
        if (handoff != null) {
            b.setHandoffStart(handoff.toString());
        }
        if (item.node.has("restriction")) {
            Item r = item.child("restriction");
            if (r.fields(Kind.part("a", "restriction"), "days", "from", "to")) {
                List<String> days = r.texts("days");
                for (String day : days) {
                    try {
                        DayOfWeek.valueOf(day.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        r.report("days", "day '" + day + "' is not monday..sunday");
                    }
                }
                String from = r.localTime("from");
                String to = r.localTime("to");
                if (from != null && to != null) {
                    b.setRestriction(LayerRestriction.newBuilder().setDays(days).setFrom(from).setTo(to).build());
                }
            }
        }
        layers.add(b.build());
    }

    /** Who is on call instead, from and to a local time of the schedule's zone; overrides must not overlap. */
    private static List<ScheduleOverride> overrides(Item item, ZoneId zone) {
        List<ScheduleOverride> overrides = new ArrayList<>();
        JsonNode list = item.node.get("overrides");
        if (list != null && list.isArray()) {
            for (int i = 0; i < list.size(); i++) {
                Item o = item.element("overrides", i, item.label() + " override " + (i + 1));
                if (!o.fields(Kind.part("an", "override"), "user", "from", "to")) {
                    continue;
                }
                String user = o.text("user", true);
                LocalDateTime from = o.localDateTime("from");
                LocalDateTime to = o.localDateTime("to");
                if (user == null || from == null || to == null) {
                    continue;
                }
                if (!to.isAfter(from)) {
                    o.report("to", "an override must end after it starts");
                    continue;
                }
                ScheduleOverride added = ScheduleOverride.newBuilder().setUser(user)
                        .setStart(from.atZone(zone).toInstant()).setEnd(to.atZone(zone).toInstant()).build();
                for (ScheduleOverride other : overrides) {
                    if (added.getStart().isBefore(other.getEnd()) && other.getStart().isBefore(added.getEnd())) {
                        o.report(null, "overlaps another override of this schedule (" + other.getUser() + ")");
                    }
                }
                overrides.add(added);
            }
        } else if (list != null) {
            item.report("overrides", "'overrides' must be a list");
        }
        return overrides;
    }
}
