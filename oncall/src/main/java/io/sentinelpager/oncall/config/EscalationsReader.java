package io.sentinelpager.oncall.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.EscalationStep;
import io.sentinelpager.schemas.EscalationTarget;
import io.sentinelpager.schemas.TargetKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The {@code escalations} section: chains of steps, each naming whom to notify and how long to wait. */
final class EscalationsReader {

    private EscalationsReader() {
    }

    static void read(Item item, Definitions defined) {
        if (!item.fields(Kind.ESCALATION_CHAIN, "id", "name", "repeat", "steps", "emergency", "multiAck")) {
            return;
        }
        String id = item.id(Kind.ESCALATION_CHAIN);
        String name = item.text("name", true);
        int repeat = item.integer("repeat", 0, 0, 10);
        List<EscalationStep> steps = new ArrayList<>();
        JsonNode list = item.node.get("steps");
        if (list == null || !list.isArray() || list.isEmpty()) {
            item.report("steps", "'steps' must be a list of at least one step");
        } else {
            for (int i = 0; i < list.size(); i++) {
                Item step = item.element("steps", i, item.label() + " step " + (i + 1));
                if (step.fields(Kind.part("a", "step"), "notify", "waitMinutes")) {
                    int wait = step.integer("waitMinutes", 5, 1, 1440);
                    steps.add(EscalationStep.newBuilder().setTargets(targets(step)).setDelayMinutes(wait).build());
                }
            }
        }
        if (id != null && name != null) {
            JsonNode emergency = item.node.get("emergency");
            Definitions.put(defined.escalations, Kind.ESCALATION_CHAIN, id, item, EscalationChainConfig.newBuilder()
                    .setId(id).setName(name).setRepeat(repeat).setSteps(steps)
                    .setEmergency(emergency != null && emergency.asBoolean())
                    .setMultiAck(item.node.path("multiAck").asBoolean(false)).build());
        }
    }

    /** {@code notify: [{user: ana}, {schedule: primary}, {team: soc}]}: each target names exactly one of them. */
    private static List<EscalationTarget> targets(Item step) {
        List<EscalationTarget> targets = new ArrayList<>();
        JsonNode notify = step.node.get("notify");
        if (notify == null || !notify.isArray() || notify.isEmpty()) {
            step.report("notify", "'notify' must list at least one of {user: id}, {schedule: id}, {team: id}");
            return targets;
        }
        for (int t = 0; t < notify.size(); t++) {
            Item target = step.element("notify", t, step.label());
            if (!target.fields(Kind.part("a", "target"), "user", "schedule", "team") || target.node.size() != 1) {
                if (target.node.isObject()) {
                    target.report(null, "each target names exactly one of user, schedule, team");
                }
                continue;
            }
            String kind = target.node.fieldNames().next();
            targets.add(EscalationTarget.newBuilder().setKind(TargetKind.valueOf(kind.toUpperCase(Locale.ROOT)))
                    .setId(target.node.get(kind).asText()).build());
        }
        return targets;
    }
}
