package io.sentinelpager.oncall.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentinelpager.schemas.ConditionNode;
import io.sentinelpager.schemas.ConditionOp;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.EscalationStep;
import io.sentinelpager.schemas.EscalationTarget;
import io.sentinelpager.schemas.MaintenanceMode;
import io.sentinelpager.schemas.MaintenanceWindow;
import io.sentinelpager.schemas.MatchTest;
import io.sentinelpager.schemas.NotificationRule;
import io.sentinelpager.schemas.LayerRestriction;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.RotationLayer;
import io.sentinelpager.schemas.ScheduleOverride;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TargetKind;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import io.sentinelpager.oncall.routing.AlertFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Reads a directory of YAML files (users, teams, schedules, escalations, policies; any file may hold any kind) and
 * checks everything: syntax, fields, values, and references between objects. Every problem names its file and line;
 * the caller publishes nothing unless there are none.
 */
public final class ConfigLoader {

    /** The outcome: the records, and the problems that forbid publishing them. */
    public record Result(ConfigSet config, List<Problem> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private static final Set<String> KINDS = Set.of("users", "teams", "schedules", "escalations", "policies");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /**
     * What a Teams, ntfy or webhook URL holds: the contact method's address is only a name, and notify's secret
     * setting {@code notify.<type>.secret.url.<name>} holds the URL, a credential that must stay out of the
     * configuration files and the config.users topic. Case does not matter to notify.
     */
    private static final Map<ContactMethodType, String> NAMED_URLS = Map.of(
            ContactMethodType.TEAMS, "Workflows URL",
            ContactMethodType.NTFY, "topic URL (https://ntfy.sh/<topic>)",
            ContactMethodType.WEBHOOK, "URL");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Located<UserConfig>> users = new LinkedHashMap<>();
    private final Map<String, Located<TeamConfig>> teams = new LinkedHashMap<>();
    private final Map<String, Located<ScheduleConfig>> schedules = new LinkedHashMap<>();
    private final Map<String, Located<EscalationChainConfig>> escalations = new LinkedHashMap<>();
    private final Map<String, Located<PolicyConfig>> policies = new LinkedHashMap<>();

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

    /** A record and where it was defined, for reference errors found after every file is read. */
    private record Located<T>(T value, YamlFile file, String pointer) {
    }

    private ConfigLoader() {
    }

    public static Result load(Path directory) {
        ConfigLoader loader = new ConfigLoader();
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            return new Result(empty(), List.of(new Problem(directory, 0, "cannot list the directory: " + e.getMessage())));
        }
        if (files.isEmpty()) {
            return new Result(empty(), List.of(new Problem(directory, 0, "no .yaml or .yml files here")));
        }
        for (Path file : files) {
            YamlFile yaml = YamlFile.read(file, loader.problems);
            if (yaml != null) {
                loader.readFile(yaml);
            }
        }
        loader.checkReferences();
        ConfigSet set = new ConfigSet(values(loader.users), values(loader.teams), values(loader.schedules),
                values(loader.escalations), values(loader.policies));
        return new Result(set, List.copyOf(loader.problems));
    }

    private static ConfigSet empty() {
        return new ConfigSet(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    private static <T> List<T> values(Map<String, Located<T>> map) {
        return map.values().stream().map(Located::value).toList();
    }

    private void readFile(YamlFile file) {
        if (file.root == null || file.root.isNull() || file.root.isMissingNode()) {
            return;
        }
        if (!file.root.isObject()) {
            problem(file, "", "must be a mapping with any of " + KINDS);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = file.root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> kind = it.next();
            String pointer = "/" + kind.getKey();
            if (!KINDS.contains(kind.getKey())) {
                problem(file, pointer, "unknown section '" + kind.getKey() + "'; sections are " + KINDS);
                continue;
            }
            if (!kind.getValue().isArray()) {
                problem(file, pointer, kind.getKey() + " must be a list");
                continue;
            }
            for (int i = 0; i < kind.getValue().size(); i++) {
                Item item = new Item(file, pointer + "/" + i, kind.getValue().get(i));
                switch (kind.getKey()) {
                    case "users" -> user(item);
                    case "teams" -> team(item);
                    case "schedules" -> schedule(item);
                    case "escalations" -> escalation(item);
                    default -> policy(item);
                }
            }
        }
    }

    /** One object of a section, with helpers that report what is wrong with it. */
    private final class Item {
        final YamlFile file;
        final String pointer;
        final JsonNode node;
        String label;

        Item(YamlFile file, String pointer, JsonNode node) {
            this.file = file;
            this.pointer = pointer;
            this.node = node;
            this.label = pointer.substring(1).replace('/', '[') + "]";
        }

        boolean fields(String kind, String... allowed) {
            if (!node.isObject()) {
                problem(file, pointer, label + ": " + kind + " must be a mapping");
                return false;
            }
            JsonNode id = node.get("id");
            if (id != null && id.isValueNode() && kind.startsWith("a")) {
                // Name the object by its id from the first problem on, not by its position.
                label = kind.substring(kind.indexOf(' ') + 1) + " " + id.asText();
            }
            Set<String> known = Set.of(allowed);
            node.fieldNames().forEachRemaining(name -> {
                if (!known.contains(name)) {
                    problem(file, pointer + "/" + name, label + ": unknown field '" + name + "'; fields are "
                            + String.join(", ", allowed));
                }
            });
            return true;
        }

        String id(String kind) {
            String id = text("id", true);
            if (id != null && !ID.matcher(id).matches()) {
                problem(file, pointer + "/id", kind + " id '" + id + "' must be lower-case letters, digits, '.', '_'"
                        + " or '-', at most 64");
            }
            if (id != null) {
                label = kind + " " + id;
            }
            return id;
        }

        String text(String field, boolean required) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                if (required) {
                    problem(file, pointer, label + ": '" + field + "' is required");
                }
                return null;
            }
            if (!value.isValueNode()) {
                problem(file, pointer + "/" + field, label + ": '" + field + "' must be a single value");
                return null;
            }
            return value.asText();
        }

        /** A free text that every routed alert carries: bounded, so that no policy can make a record too large. */
        String reason(String field) {
            String value = text(field, false);
            if (value != null && !RecordLimits.fits(value, RecordLimits.REASON_BYTES)) {
                problem(file, pointer + "/" + field, label + ": '" + field + "' is " + RecordLimits.utf8Length(value)
                        + " bytes in UTF-8; the limit is " + RecordLimits.REASON_BYTES);
            }
            return value; // reported, and so not published: kept only so that no other problem follows from it
        }

        List<String> texts(String field) {
            JsonNode value = node.get(field);
            List<String> out = new ArrayList<>();
            if (value == null || value.isNull()) {
                return out;
            }
            if (value.isValueNode()) {
                out.add(value.asText());
            } else if (value.isArray()) {
                value.forEach(v -> out.add(v.asText()));
            } else {
                problem(file, pointer + "/" + field, label + ": '" + field + "' must be a list of values");
            }
            return out;
        }

        int integer(String field, int fallback, int min, int max) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
                problem(file, pointer + "/" + field, label + ": '" + field + "' must be a whole number from " + min
                        + " to " + max + ", was " + value.asText());
                return fallback;
            }
            return value.asInt();
        }

        Item child(String field) {
            Item child = new Item(file, pointer + "/" + field, node.get(field));
            child.label = label;
            return child;
        }

        Item element(int index) {
            Item child = new Item(file, pointer + "/" + index, node.get(index));
            child.label = label;
            return child;
        }

        void report(String field, String message) {
            ConfigLoader.this.problem(file, field == null ? pointer : pointer + "/" + field, label + ": " + message);
        }
    }

    private void user(Item item) {
        if (!item.fields("a user", "id", "name", "email", "phone", "timeZone", "contactMethods", "notificationRules")) {
            return;
        }
        String id = item.id("user");
        String name = item.text("name", true);
        String zone = zone(item, "timeZone", "UTC");
        List<ContactMethod> methods = new ArrayList<>();
        JsonNode list = item.node.get("contactMethods");
        if (list != null && list.isArray()) {
            for (int i = 0; i < list.size(); i++) {
                Item method = new Item(item.file, item.pointer + "/contactMethods/" + i, list.get(i));
                method.label = item.label + " contact method " + (i + 1);
                if (!method.fields("a contact method", "type", "address")) {
                    continue;
                }
                String type = method.text("type", true);
                String address = method.text("address", true);
                ContactMethodType parsed = enumValue(ContactMethodType.class, type);
                if (type != null && (parsed == null || parsed == ContactMethodType.UNKNOWN)) {
                    method.report("type", "contact method type '" + type + "' is not one of inbox, push, sms,"
                            + " voice, email, teams, ntfy, webhook");
                } else if (parsed != null && address != null) {
                    namedUrl(method, parsed, address);
                    methods.add(ContactMethod.newBuilder().setType(parsed).setAddress(address).build());
                }
            }
        } else if (list != null) {
            item.report("contactMethods", "'contactMethods' must be a list");
        }
        List<NotificationRule> rules = rules(item, methods);
        if (id != null && name != null) {
            put(users, "user", id, item, UserConfig.newBuilder().setId(id).setName(name)
                    .setEmail(item.text("email", false)).setTimeZone(zone).setContactMethods(methods)
                    .setNotificationRules(rules).build());
        }
    }

    /** The address of a contact method whose URL is a secret must be a name; the problem never repeats the address. */
    private static void namedUrl(Item method, ContactMethodType type, String address) {
        String what = NAMED_URLS.get(type);
        if (what == null || NAME.matcher(address).matches()) {
            return;
        }
        String setting = "notify." + type.name().toLowerCase(Locale.ROOT) + ".secret.url.<name>";
        boolean url = address.contains("://") || address.contains("/") || address.contains(":");
        method.report("address", url
                ? "address must be a name, not a URL (the URL is a secret); put the " + what + " in " + setting
                        + " and the name here"
                : "address must be a name (letters, digits, '.', '_' or '-', at most 64) for the " + what + " in "
                        + setting);
    }

    /** {@code notificationRules: {high: [{method: push, afterMinutes: 0}, {method: sms, afterMinutes: 2}], low: [...]}} */
    private List<NotificationRule> rules(Item user, List<ContactMethod> methods) {
        List<NotificationRule> rules = new ArrayList<>();
        if (!user.node.has("notificationRules")) {
            return rules;
        }
        Item byUrgency = user.child("notificationRules");
        if (!byUrgency.fields("notification rules", "high", "low")) {
            return rules;
        }
        for (String urgency : List.of("high", "low")) {
            JsonNode list = byUrgency.node.get(urgency);
            if (list == null) {
                continue;
            }
            if (!list.isArray()) {
                byUrgency.report(urgency, "'" + urgency + "' must be a list of {method, afterMinutes}");
                continue;
            }
            for (int i = 0; i < list.size(); i++) {
                Item rule = byUrgency.child(urgency).element(i);
                rule.label = user.label + " " + urgency + "-urgency rule " + (i + 1);
                if (!rule.fields("a rule", "method", "afterMinutes")) {
                    continue;
                }
                String method = rule.text("method", true);
                int after = rule.integer("afterMinutes", 0, 0, 120);
                ContactMethodType type = enumValue(ContactMethodType.class, method);
                if (method != null && methods.stream().noneMatch(m -> m.getType() == type)) {
                    rule.report("method", "method '" + method + "' is not one of this user's contact methods "
                            + methods.stream().map(m -> m.getType().name().toLowerCase(Locale.ROOT)).toList());
                } else if (type != null) {
                    rules.add(NotificationRule.newBuilder().setUrgency(Urgency.valueOf(urgency.toUpperCase(Locale.ROOT)))
                            .setContactMethod(type).setDelayMinutes(after).build());
                }
            }
        }
        return rules;
    }

    private void team(Item item) {
        if (!item.fields("a team", "id", "name", "members", "schedules", "escalation", "maintenance")) {
            return;
        }
        String id = item.id("team");
        String name = item.text("name", true);
        List<MaintenanceWindow> windows = maintenance(item);
        if (id != null && name != null) {
            put(teams, "team", id, item, TeamConfig.newBuilder().setId(id).setName(name)
                    .setMembers(item.texts("members")).setScheduleIds(item.texts("schedules"))
                    .setEscalationChainId(item.text("escalation", false)).setMaintenance(windows).build());
        }
    }

    /** {@code maintenance: [{from, to, mode: hold|suppress, reason}]} of a team or a policy. */
    private List<MaintenanceWindow> maintenance(Item item) {
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
            Item w = item.child("maintenance").element(i);
            w.label = item.label + " maintenance window " + (i + 1);
            if (!w.fields("a maintenance window", "from", "to", "mode", "reason")) {
                continue;
            }
            java.time.Instant from = instant(w, "from");
            java.time.Instant to = instant(w, "to");
            String mode = w.text("mode", false);
            MaintenanceMode parsed = mode == null ? MaintenanceMode.HOLD : enumValue(MaintenanceMode.class, mode);
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

    /** A date-time with its offset, e.g. 2026-12-24T18:00+01:00, so that a window means the same everywhere. */
    private static java.time.Instant instant(Item item, String field) {
        String text = item.text(field, true);
        if (text == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            item.report(field, "'" + text + "' is not a date-time with offset such as 2026-12-24T18:00+01:00");
            return null;
        }
    }

    private void schedule(Item item) {
        if (!item.fields("a schedule", "id", "name", "timeZone", "layers", "overrides",
                "participants", "shiftLength", "handoffStart")) {
            return;
        }
        String id = item.id("schedule");
        String name = item.text("name", true);
        String zone = zone(item, "timeZone", "UTC");
        List<RotationLayer> layers = new ArrayList<>();
        JsonNode list = item.node.get("layers");
        if (list != null && (item.node.has("participants") || item.node.has("shiftLength"))) {
            item.report(null, "use either 'layers' or the one-layer shorthand (participants, shiftLength,"
                    + " handoffStart), not both");
        } else if (list == null) {
            layer(item, item.label, layers);
        } else if (!list.isArray() || list.isEmpty()) {
            item.report("layers", "'layers' must be a list of at least one rotation");
        } else {
            for (int i = 0; i < list.size(); i++) {
                Item layer = item.child("layers").element(i);
                layer.label = item.label + " layer " + (i + 1);
                if (layer.fields("a layer", "name", "participants", "shiftLength", "handoffStart", "restriction")) {
                    layer(layer, layer.text("name", false), layers);
                }
            }
        }
        List<ScheduleOverride> overrides = new ArrayList<>();
        JsonNode overridesNode = item.node.get("overrides");
        if (overridesNode != null && overridesNode.isArray()) {
            ZoneId zoneId = ZoneId.of(zone);
            for (int i = 0; i < overridesNode.size(); i++) {
                Item o = item.child("overrides").element(i);
                o.label = item.label + " override " + (i + 1);
                if (!o.fields("an override", "user", "from", "to")) {
                    continue;
                }
                String user = o.text("user", true);
                LocalDateTime from = localDateTime(o, "from");
                LocalDateTime to = localDateTime(o, "to");
                if (user == null || from == null || to == null) {
                    continue;
                }
                if (!to.isAfter(from)) {
                    o.report("to", "an override must end after it starts");
                    continue;
                }
                ScheduleOverride added = ScheduleOverride.newBuilder().setUser(user)
                        .setStart(from.atZone(zoneId).toInstant()).setEnd(to.atZone(zoneId).toInstant()).build();
                for (ScheduleOverride other : overrides) {
                    if (added.getStart().isBefore(other.getEnd()) && other.getStart().isBefore(added.getEnd())) {
                        o.report(null, "overlaps another override of this schedule (" + other.getUser() + ")");
                    }
                }
                overrides.add(added);
            }
        } else if (overridesNode != null) {
            item.report("overrides", "'overrides' must be a list");
        }
        if (id != null && name != null) {
            put(schedules, "schedule", id, item, ScheduleConfig.newBuilder().setId(id).setName(name).setTimeZone(zone)
                    .setLayers(layers).setOverrides(overrides).build());
        }
    }

    /** One rotation: participants, shift length, first hand-off, and an optional window of days and hours. */
    private void layer(Item item, String name, List<RotationLayer> layers) {
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
        LocalDateTime handoff = item.node.has("handoffStart") ? localDateTime(item, "handoffStart") : null;
        if (handoff != null) {
            b.setHandoffStart(handoff.toString());
        }
        if (item.node.has("restriction")) {
            Item r = item.child("restriction");
            if (r.fields("a restriction", "days", "from", "to")) {
                List<String> days = r.texts("days");
                for (String day : days) {
                    try {
                        java.time.DayOfWeek.valueOf(day.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        r.report("days", "day '" + day + "' is not monday..sunday");
                    }
                }
                String from = localTime(r, "from");
                String to = localTime(r, "to");
                if (from != null && to != null) {
                    b.setRestriction(LayerRestriction.newBuilder().setDays(days).setFrom(from).setTo(to).build());
                }
            }
        }
        layers.add(b.build());
    }

    private static LocalDateTime localDateTime(Item item, String field) {
        String text = item.text(field, true);
        if (text == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(text);
        } catch (DateTimeException e) {
            item.report(field, "'" + text + "' is not a local date-time such as 2026-01-05T09:00");
            return null;
        }
    }

    private static String localTime(Item item, String field) {
        String text = item.text(field, true);
        if (text == null) {
            return null;
        }
        try {
            return java.time.LocalTime.parse(text).toString();
        } catch (DateTimeException e) {
            item.report(field, "'" + text + "' is not a time of day such as 08:00");
            return null;
        }
    }

    private void escalation(Item item) {
        if (!item.fields("an escalation chain", "id", "name", "repeat", "steps", "emergency", "multiAck")) {
            return;
        }
        String id = item.id("escalation chain");
        String name = item.text("name", true);
        int repeat = item.integer("repeat", 0, 0, 10);
        List<EscalationStep> steps = new ArrayList<>();
        JsonNode list = item.node.get("steps");
        if (list == null || !list.isArray() || list.isEmpty()) {
            item.report("steps", "'steps' must be a list of at least one step");
        } else {
            for (int i = 0; i < list.size(); i++) {
                Item step = new Item(item.file, item.pointer + "/steps/" + i, list.get(i));
                step.label = item.label + " step " + (i + 1);
                if (!step.fields("a step", "notify", "waitMinutes")) {
                    continue;
                }
                int wait = step.integer("waitMinutes", 5, 1, 1440);
                List<EscalationTarget> targets = new ArrayList<>();
                JsonNode notify = step.node.get("notify");
                if (notify == null || !notify.isArray() || notify.isEmpty()) {
                    step.report("notify", "'notify' must list at least one of {user: id}, {schedule: id}, {team: id}");
                } else {
                    for (int t = 0; t < notify.size(); t++) {
                        Item target = new Item(step.file, step.pointer + "/notify/" + t, notify.get(t));
                        target.label = step.label;
                        if (!target.fields("a target", "user", "schedule", "team") || target.node.size() != 1) {
                            if (target.node.isObject()) {
                                target.report(null, "each target names exactly one of user, schedule, team");
                            }
                            continue;
                        }
                        String kind = target.node.fieldNames().next();
                        targets.add(EscalationTarget.newBuilder().setKind(TargetKind.valueOf(kind.toUpperCase(Locale.ROOT)))
                                .setId(target.node.get(kind).asText()).build());
                    }
                }
                steps.add(EscalationStep.newBuilder().setTargets(targets).setDelayMinutes(wait).build());
            }
        }
        if (id != null && name != null) {
            JsonNode emergency = item.node.get("emergency");
            put(escalations, "escalation chain", id, item, EscalationChainConfig.newBuilder().setId(id).setName(name)
                    .setRepeat(repeat).setSteps(steps).setEmergency(emergency != null && emergency.asBoolean())
                    .setMultiAck(item.node.path("multiAck").asBoolean(false)).build());
        }
    }

    private void policy(Item item) {
        if (!item.fields("a policy", "id", "name", "order", "enabled", "when", "route", "suppress", "maintenance")) {
            return;
        }
        String id = item.id("policy");
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
            if (r.fields("a route", "team", "escalation", "urgency", "groupBy")) {
                team = r.text("team", true);
                chain = r.text("escalation", false);
                String groupBy = r.text("groupBy", false);
                if (groupBy != null && !groupBy.equals("incident")) {
                    r.report("groupBy", "groupBy '" + groupBy + "' is not supported; use incident");
                }
                groupByIncident = "incident".equals(groupBy);
                String u = r.text("urgency", false);
                if (u != null) {
                    urgency = enumValue(Urgency.class, u);
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
            put(policies, "policy", id, item, PolicyConfig.newBuilder().setId(id).setVersion(1).setName(name)
                    .setOrder(order).setEnabled(enabled == null || enabled.asBoolean(true)).setCondition(flat)
                    .setTeamId(team == null ? "" : team).setEscalationChainId(chain == null ? "" : chain)
                    .setUrgency(urgency).setGroupByIncident(groupByIncident).setMaintenance(maintenance(item))
                    .setSuppress(suppress != null)
                    .setSuppressReason(suppress).build());
        }
    }

    /**
     * {@code {all: [...]}}, {@code {any: [...]}}, {@code {not: {...}}}, or field tests: {@code severity: [high, medium]}
     * (one of), {@code serviceSource: microsoftSentinel} (equals), {@code title: {contains: x}} or
     * {@code {regex: x}}. A mapping with several keys means all of them.
     */
    private Condition condition(Item item) {
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
    private Condition timeOfDay(Item item) {
        if (!item.fields("a time window", "from", "to", "timeZone", "days")) {
            return null;
        }
        String from = localTime(item, "from");
        String to = localTime(item, "to");
        String zone = zone(item, "timeZone", "UTC");
        List<String> days = item.texts("days");
        for (String day : days) {
            try {
                java.time.DayOfWeek.valueOf(day.toUpperCase(Locale.ROOT));
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

    private Condition match(String field, Item item) {
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

    private void checkReferences() {
        for (Located<TeamConfig> team : teams.values()) {
            TeamConfig t = team.value();
            for (String member : t.getMembers()) {
                requireExists(users, member, "user", team, "/members", "team " + t.getId() + ": member");
            }
            for (String schedule : t.getScheduleIds()) {
                requireExists(schedules, schedule, "schedule", team, "/schedules", "team " + t.getId() + ": schedule");
            }
            if (t.getEscalationChainId() != null) {
                requireExists(escalations, t.getEscalationChainId(), "escalation chain", team, "/escalation",
                        "team " + t.getId() + ": escalation");
            }
        }
        for (Located<ScheduleConfig> schedule : schedules.values()) {
            for (RotationLayer layer : schedule.value().getLayers()) {
                for (String participant : layer.getParticipants()) {
                    requireExists(users, participant, "user", schedule, "", "schedule " + schedule.value().getId()
                            + ": participant");
                }
            }
            for (ScheduleOverride o : schedule.value().getOverrides()) {
                requireExists(users, o.getUser(), "user", schedule, "/overrides", "schedule "
                        + schedule.value().getId() + ": override user");
            }
        }
        for (Located<EscalationChainConfig> chain : escalations.values()) {
            for (int s = 0; s < chain.value().getSteps().size(); s++) {
                for (EscalationTarget target : chain.value().getSteps().get(s).getTargets()) {
                    String where = "escalation chain " + chain.value().getId() + " step " + (s + 1) + ":";
                    switch (target.getKind()) {
                        case USER -> requireExists(users, target.getId(), "user", chain, "/steps/" + s, where + " user");
                        case SCHEDULE -> requireExists(schedules, target.getId(), "schedule", chain, "/steps/" + s,
                                where + " schedule");
                        default -> requireExists(teams, target.getId(), "team", chain, "/steps/" + s, where + " team");
                    }
                }
            }
        }
        Map<Integer, String> orders = new HashMap<>();
        for (Located<PolicyConfig> policy : policies.values()) {
            PolicyConfig p = policy.value();
            if (!p.getSuppress()) {
                requireExists(teams, p.getTeamId(), "team", policy, "/route/team", "policy " + p.getId() + ": team");
                if (!p.getEscalationChainId().isEmpty()) {
                    requireExists(escalations, p.getEscalationChainId(), "escalation chain", policy,
                            "/route/escalation", "policy " + p.getId() + ": escalation");
                }
            }
            String other = orders.putIfAbsent(p.getOrder(), p.getId());
            if (other != null) {
                problem(policy.file(), policy.pointer() + "/order", "policy " + p.getId() + ": order " + p.getOrder()
                        + " is also the order of policy " + other + "; policies are tried in order, so each needs"
                        + " its own");
            }
        }
    }

    private <T> void requireExists(Map<String, Located<T>> map, String id, String kind, Located<?> from,
                                   String pointer, String what) {
        if (!map.containsKey(id)) {
            problem(from.file(), from.pointer() + pointer, what + " '" + id + "' is not a defined " + kind
                    + (map.isEmpty() ? "" : "; defined: " + String.join(", ", map.keySet())));
        }
    }

    private <T> void put(Map<String, Located<T>> map, String kind, String id, Item item, T value) {
        Located<T> previous = map.putIfAbsent(id, new Located<>(value, item.file, item.pointer));
        if (previous != null) {
            problem(item.file, item.pointer + "/id", kind + " '" + id + "' is defined twice; the other is in "
                    + previous.file().path.getFileName() + ":" + previous.file().line(previous.pointer()));
        }
    }

    private String zone(Item item, String field, String fallback) {
        String zone = item.text(field, false);
        if (zone == null) {
            return fallback;
        }
        try {
            ZoneId.of(zone);
            return zone;
        } catch (DateTimeException e) {
            item.report(field, "time zone '" + zone + "' is not an IANA zone such as Europe/Berlin");
            return fallback;
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void problem(YamlFile file, String pointer, String message) {
        problems.add(new Problem(file.path, file.line(pointer), message));
    }
}
