package io.sentinelpager.oncall.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentinelpager.oncall.routing.AlertFields;
import io.sentinelpager.schemas.ConditionNode;
import io.sentinelpager.schemas.ConditionOp;
import io.sentinelpager.schemas.MatchTest;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.Urgency;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The {@code policies} section: in order, a condition on the alert and a route or a suppression for what matches. */
final class PoliciesReader {

    /** A condition as written, before it is flattened into the record's list of nodes. */
    private record Condition(ConditionOp op, String field, MatchTest test, List<String> values,
                             List<Condition> conditions) {

        static Condition of(ConditionOp op, List<Condition> children) {
            return new Condition(op, null, null, List.of(), children);
        }

        static Condition match(String field, MatchTest test, List<String> values) {
            return new Condition(ConditionOp.MATCH, field, test, values, List.of());
        }

        /** Appends this node and its subtree in pre-order; returns this node's index. */
        int flatten(List<ConditionNode> out) {
            int index = out.size();
            out.add(null);
            List<Integer> children = new ArrayList<>();
            for (Condition child : conditions) {
                children.add(child.flatten(out));
            }
            out.set(index, ConditionNode.newBuilder().setOp(op).setField(field).setTest(test).setValues(values)
                    .setChildren(children).build());
            return index;
        }
    }

    private PoliciesReader() {
    }

    static void read(Item item, Definitions defined) {
        if (!item.fields(Kind.POLICY, "id", "name", "order", "enabled", "when", "route", "suppress", "maintenance")) {
            return;
        }
        String id = item.id(Kind.POLICY);
        String name = item.text("name", true);
        int order = item.integer("order", 0, 0, 1_000_000);
        JsonNode enabled = item.node.get("enabled");
        Condition condition = item.node.has("when") ? condition(item.child("when")) : null;
        List<ConditionNode> flat = new ArrayList<>();
        if (condition != null) {
            condition.flatten(flat);
        }
        String team = null;
        String chain = null;
        Urgency urgency = Urgency.HIGH;
        boolean groupByIncident = false;
        JsonNode route = item.node.get("route");
        String suppress = item.reason("suppress");
        if (route != null && suppress != null) {
            item.report(null, "a policy either routes or suppresses, not both");
        }
        if (route != null) {
            Item r = item.child("route");
            if (r.fields(Kind.part("a", "route"), "team", "escalation", "urgency", "groupBy")) {
                team = r.text("team", true);
                chain = r.text("escalation", false);
                String groupBy = r.text("groupBy", false);
                if (groupBy != null && !groupBy.equals("incident")) {
                    r.report("groupBy", "groupBy '" + groupBy + "' is not supported; use incident");
                }
                groupByIncident = "incident".equals(groupBy);
                String u = r.text("urgency", false);
                if (u != null) {
                    urgency = Item.enumValue(Urgency.class, u);
                    if (urgency == null) {
                        r.report("urgency", "urgency '" + u + "' is not high or low");
                        urgency = Urgency.HIGH;
                    }
                }
            }
        } else if (suppress == null) {
            item.report(null, "a policy needs a 'route' (team, escalation, urgency) or 'suppress: <reason>'");
        }
        if (id != null && name != null) {
            Definitions.put(defined.policies, Kind.POLICY, id, item, PolicyConfig.newBuilder().setId(id).setVersion(1)
                    .setName(name).setOrder(order).setEnabled(enabled == null || enabled.asBoolean(true))
                    .setCondition(flat).setTeamId(team == null ? "" : team)
                    .setEscalationChainId(chain == null ? "" : chain).setUrgency(urgency)
                    .setGroupByIncident(groupByIncident).setMaintenance(TeamsReader.maintenance(item))
                    .setSuppress(suppress != null).setSuppressReason(suppress).build());
        }
    }

    /**
     * {@code {all: [...]}}, {@code {any: [...]}}, {@code {not: {...}}}, or field tests: {@code severity: [high, medium]}
     * (one of), {@code serviceSource: microsoftSentinel} (equals), {@code title: {contains: x}} or
     * {@code {regex: x}}. A mapping with several keys means all of them.
     */
    private static Condition condition(Item item) {
        JsonNode node = item.node;
        if (node == null || !node.isObject() || node.isEmpty()) {
            item.report(null, "a condition must be a mapping such as {severity: [high]}");
            return null;
        }
        List<Condition> parts = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            Item child = item.child(key);
            switch (key) {
                case "all", "any" -> {
                    if (!child.node.isArray() || child.node.isEmpty()) {
                        child.report(null, "'" + key + "' must be a list of conditions");
                        continue;
                    }
                    List<Condition> children = new ArrayList<>();
                    for (int i = 0; i < child.node.size(); i++) {
                        Condition c = condition(child.element(i));
                        if (c != null) {
                            children.add(c);
                        }
                    }
                    parts.add(Condition.of(key.equals("all") ? ConditionOp.ALL : ConditionOp.ANY, children));
                }
                case "timeOfDay" -> {
                    Condition c = timeOfDay(child);
                    if (c != null) {
                        parts.add(c);
                    }
                }
                case "not" -> {
                    Condition c = condition(child);
                    if (c != null) {
                        parts.add(Condition.of(ConditionOp.NOT, List.of(c)));
                    }
                }
                default -> {
                    Condition c = match(key, child);
                    if (c != null) {
                        parts.add(c);
                    }
                }
            }
        }
        return parts.size() == 1 ? parts.get(0) : Condition.of(ConditionOp.ALL, parts);
    }

    /** {@code timeOfDay: {from: "18:00", to: "08:00", timeZone: Europe/Berlin, days: [saturday, sunday]}} */
    private static Condition timeOfDay(Item item) {
        if (!item.fields(Kind.part("a", "time window"), "from", "to", "timeZone", "days")) {
            return null;
        }
        String from = item.localTime("from");
        String to = item.localTime("to");
        String zone = item.zone("timeZone", "UTC");
        List<String> days = item.texts("days");
        for (String day : days) {
            try {
                DayOfWeek.valueOf(day.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                item.report("days", "day '" + day + "' is not monday..sunday");
                return null;
            }
        }
        if (from == null || to == null) {
            return null;
        }
        List<String> values = new ArrayList<>(List.of(zone, from, to));
        values.addAll(days);
        return new Condition(ConditionOp.TIME_WINDOW, null, null, values, List.of());
    }

    private static Condition match(String field, Item item) {
        if (!AlertFields.NAMES.contains(field)) {
            item.report(null, "unknown alert field '" + field + "'; fields are " + AlertFields.NAMES
                    + ", or all, any, not, timeOfDay");
            return null;
        }
        JsonNode node = item.node;
        if (node.isValueNode()) {
            return Condition.match(field, MatchTest.EQUALS, List.of(node.asText()));
        }
        if (node.isArray()) {
            List<String> values = new ArrayList<>();
            node.forEach(v -> values.add(v.asText()));
            return Condition.match(field, MatchTest.IN, values);
        }
        if (node.isObject() && node.size() == 1 && node.has("atLeast")) {
            if (!node.get("atLeast").canConvertToLong()) {
                item.report("atLeast", "atLeast must be a whole number, was " + node.get("atLeast").asText());
                return null;
            }
            return Condition.match(field, MatchTest.AT_LEAST, List.of(node.get("atLeast").asText()));
        }
        if (node.isObject() && node.size() == 1 && (node.has("contains") || node.has("regex"))) {
            String test = node.fieldNames().next();
            String value = node.get(test).asText();
            if (test.equals("regex")) {
                try {
                    Pattern.compile(value);
                } catch (PatternSyntaxException e) {
                    item.report(test, "regex '" + value + "' does not compile: " + e.getDescription());
                    return null;
                }
            }
            return Condition.match(field, test.equals("regex") ? MatchTest.REGEX : MatchTest.CONTAINS, List.of(value));
        }
        item.report(null, "test of '" + field + "' must be a value, a list of values, {contains: text},"
                + " {regex: pattern} or {atLeast: number}");
        return null;
    }
}
