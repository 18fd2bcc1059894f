package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The emulated tenant's security alerts (Graph {@code microsoft.graph.security.alert} JSON), in memory.
 *
 * <p>Thread-safe: every operation holds the store's lock, and alerts go in and come out as deep
 * copies, so no caller can change stored state except through these methods. Timestamps come from
 * the injected clock, so a test controls every lastUpdateDateTime it will filter on.
 */
public final class GraphAlertStore {

    static final String ALERT_ODATA_TYPE = "#microsoft.graph.security.alert";

    /** The only properties that Graph lets a PATCH change. */
    private static final Set<String> UPDATABLE = Set.of("status", "assignedTo", "classification", "determination");
    private static final Map<String, Set<String>> ENUM_FIELDS = Map.of(
            "status", GraphEnums.STATUS,
            "severity", GraphEnums.SEVERITY,
            "classification", GraphEnums.CLASSIFICATION,
            "determination", GraphEnums.DETERMINATION,
            "serviceSource", GraphEnums.SERVICE_SOURCE,
            "detectionSource", GraphEnums.DETECTION_SOURCE);
    private static final List<String> DATE_FIELDS = List.of("createdDateTime", "lastUpdateDateTime",
            "resolvedDateTime", "firstActivityDateTime", "lastActivityDateTime");
    private static final List<String> ARRAY_FIELDS = List.of("comments", "evidence", "mitreTechniques", "systemTags");

    private final Clock clock;
    private final String tenantId;
    private final Random random = new SecureRandom();
    private final Map<String, ObjectNode> alerts = new LinkedHashMap<>();
    /** Per alert, who changed what and when: Graph keeps no such field, the emulator keeps it for tests to read. */
    private final Map<String, List<ObjectNode>> history = new LinkedHashMap<>();

    public GraphAlertStore(Clock clock, String tenantId) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
    }

    /**
     * Stores an alert, completing what a partial one leaves out the way Defender would: a
     * Defender-style id ({@code da<18-digit .NET ticks>_<signed int>}), providerAlertId, tenantId,
     * status new, unknown classification and determination, medium severity, created and last-update
     * times of now, activity times of the creation time, portal URLs and empty collections.
     * Anything given (and not null) is kept as given.
     *
     * @return a copy of the stored alert
     * @throws IllegalArgumentException if a given field has the wrong type or enum member
     * @throws IllegalStateException if an alert with the given id already exists
     */
    public synchronized ObjectNode add(ObjectNode alert) {
        validate(alert);
        ObjectNode stored = alert.deepCopy();
        Instant now = GraphTime.now(clock);
        String id = stored.hasNonNull("id") ? stored.get("id").asText() : newId(now);
        if (alerts.containsKey(id)) {
            throw new IllegalStateException("An alert with id '" + id + "' already exists");
        }
        ObjectNode completed = JsonNodeFactory.instance.objectNode();
        completed.put("@odata.type", ALERT_ODATA_TYPE);
        completed.put("id", id);
        completed.setAll(stored);
        putIfAbsent(completed, "providerAlertId", id);
        putIfAbsent(completed, "tenantId", tenantId);
        putIfAbsent(completed, "status", "new");
        putIfAbsent(completed, "severity", "medium");
        putIfAbsent(completed, "classification", "unknown");
        putIfAbsent(completed, "determination", "unknown");
        putIfAbsent(completed, "createdDateTime", GraphTime.format(now));
        String created = completed.get("createdDateTime").asText();
        putIfAbsent(completed, "lastUpdateDateTime", created);
        putIfAbsent(completed, "firstActivityDateTime", created);
        putIfAbsent(completed, "lastActivityDateTime", created);
        String tenant = completed.get("tenantId").asText();
        putIfAbsent(completed, "alertWebUrl", "https://security.microsoft.com/alerts/" + id + "?tid=" + tenant);
        if (completed.hasNonNull("incidentId")) {
            putIfAbsent(completed, "incidentWebUrl", "https://security.microsoft.com/incidents/"
                    + completed.get("incidentId").asText() + "?tid=" + tenant);
        }
        for (String field : ARRAY_FIELDS) {
            if (!completed.has(field)) {
                completed.putArray(field);
            }
        }
        for (JsonNode evidence : completed.get("evidence")) {
            if (evidence instanceof ObjectNode item && !item.has("createdDateTime")) {
                item.put("createdDateTime", created);
            }
        }
        alerts.put(id, completed);
        return completed.deepCopy();
    }

    /** A copy of the alert, if there is one with this id. */
    public synchronized Optional<ObjectNode> get(String id) {
        return Optional.ofNullable(alerts.get(id)).map(ObjectNode::deepCopy);
    }

    /** Copies of every alert, in Graph list order: lastUpdateDateTime ascending, then id. */
    public synchronized List<ObjectNode> all() {
        return page(AlertFilter.ALL, null, Integer.MAX_VALUE);
    }

    /**
     * Applies a Graph alert PATCH: only status, assignedTo, classification and determination may
     * change; lastUpdateDateTime becomes now, and resolvedDateTime follows the status.
     *
     * @param changes the PATCH body; it may name the alert type in {@code @odata.type} ({@link ODataType})
     * @return a copy of the updated alert, or empty if there is no alert with this id
     * @throws IllegalArgumentException if a property may not be changed or a value is not valid
     */
    public synchronized Optional<ObjectNode> update(String id, ObjectNode changes) {
        return update(id, changes, null);
    }

    /**
     * As {@link #update(String, ObjectNode)}, recording {@code by} (the app's display name for a Graph
     * PATCH; null when unknown) in the alert's history.
     */
    synchronized Optional<ObjectNode> update(String id, ObjectNode changes, String by) {
        validateUpdate(changes);
        ObjectNode alert = alerts.get(id);
        if (alert == null) {
            return Optional.empty();
        }
        Instant now = GraphTime.now(clock);
        apply(alert, changes, now);
        record(id, now, by, changes, null);
        return Optional.of(alert.deepCopy());
    }

    /**
     * What an analyst does to an alert in the Defender portal: any of status, assignedTo,
     * classification and determination, and optionally a comment signed with the analyst's name, in
     * one step with one new lastUpdateDateTime (so a poller sees one change). Recorded in the alert's
     * history with the analyst's name.
     *
     * @param analyst who acts, e.g. {@code soc-lead@contoso.example}
     * @param changes the fields to change, as in a PATCH; may be empty when only commenting
     * @param comment a comment to add, or null
     * @return a copy of the changed alert, or empty if there is no alert with this id
     * @throws IllegalArgumentException if nothing would change, or a property or value is not valid
     */
    public synchronized Optional<ObjectNode> changeAsAnalyst(String id, String analyst, ObjectNode changes,
                                                             String comment) {
        if (analyst == null || analyst.isBlank()) {
            throw new IllegalArgumentException("name the analyst who makes the change");
        }
        validateUpdate(changes);
        if (comment != null && comment.isBlank()) {
            throw new IllegalArgumentException("The comment must not be empty");
        }
        if (changes.size() == 0 && comment == null) {
            throw new IllegalArgumentException("an analyst change needs a field to change or a comment");
        }
        ObjectNode alert = alerts.get(id);
        if (alert == null) {
            return Optional.empty();
        }
        Instant now = GraphTime.now(clock);
        apply(alert, changes, now);
        if (comment != null) {
            alert.withArray("comments").addObject()
                    .put("comment", comment)
                    .put("createdByDisplayName", analyst)
                    .put("createdDateTime", GraphTime.format(now));
        }
        record(id, now, analyst, changes, comment);
        return Optional.of(alert.deepCopy());
    }

    /** Who changed the alert, what and when, oldest first; empty if there is no alert with this id. */
    public synchronized Optional<List<ObjectNode>> history(String id) {
        if (!alerts.containsKey(id)) {
            return Optional.empty();
        }
        return Optional.of(history.getOrDefault(id, List.of()).stream().map(ObjectNode::deepCopy).toList());
    }

    private static void apply(ObjectNode alert, ObjectNode changes, Instant now) {
        for (String field : UPDATABLE) {
            if (changes.has(field)) {
                alert.set(field, changes.get(field).deepCopy());
            }
        }
        if (changes.has("status")) {
            boolean resolved = "resolved".equals(changes.get("status").asText());
            if (resolved && !alert.hasNonNull("resolvedDateTime")) {
                alert.put("resolvedDateTime", GraphTime.format(now));
            } else if (!resolved) {
                alert.putNull("resolvedDateTime");
            }
        }
        alert.put("lastUpdateDateTime", GraphTime.format(now));
    }

    private void record(String id, Instant now, String by, ObjectNode changes, String comment) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode().put("time", GraphTime.format(now)).put("by", by);
        ObjectNode changed = entry.putObject("changes");
        for (String field : UPDATABLE) {
            if (changes.has(field)) {
                changed.set(field, changes.get(field).deepCopy());
            }
        }
        if (comment != null) {
            entry.put("comment", comment);
        }
        history.computeIfAbsent(id, k -> new ArrayList<>()).add(entry);
    }

    /**
     * Appends a comment, as Graph's POST .../comments does, and counts it as an update of the alert.
     *
     * @return a copy of the whole comment list, or empty if there is no alert with this id
     */
    public synchronized Optional<List<ObjectNode>> addComment(String id, String comment, String createdBy) {
        if (comment == null || comment.isBlank()) {
            throw new IllegalArgumentException("The comment must not be empty");
        }
        ObjectNode alert = alerts.get(id);
        if (alert == null) {
            return Optional.empty();
        }
        String now = GraphTime.format(GraphTime.now(clock));
        ArrayNode comments = alert.withArray("comments");
        comments.addObject()
                .put("comment", comment)
                .put("createdByDisplayName", createdBy)
                .put("createdDateTime", now);
        alert.put("lastUpdateDateTime", now);
        record(id, GraphTime.parse(now), createdBy, JsonNodeFactory.instance.objectNode(), comment);
        List<ObjectNode> copy = new ArrayList<>();
        comments.forEach(c -> copy.add((ObjectNode) c.deepCopy()));
        return Optional.of(copy);
    }

    /** Up to {@code limit} copies of matching alerts strictly after {@code after} (null: from the start), in list order. */
    synchronized List<ObjectNode> page(AlertFilter filter, AlertCursor after, int limit) {
        return alerts.values().stream()
                .filter(filter)
                .map(alert -> Map.entry(cursorOf(alert), alert))
                .filter(entry -> after == null || entry.getKey().compareTo(after) > 0)
                .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                .limit(limit)
                .map(entry -> entry.getValue().deepCopy())
                .toList();
    }

    /** Up to {@code limit} copies of matching alerts in the given order, after the first {@code skip} of them. */
    synchronized List<ObjectNode> page(AlertFilter filter, Comparator<ObjectNode> order, long skip, int limit) {
        return alerts.values().stream()
                .filter(filter)
                .sorted(order)
                .skip(skip)
                .limit(limit)
                .map(ObjectNode::deepCopy)
                .toList();
    }

    /** How many alerts match. */
    synchronized long count(AlertFilter filter) {
        return alerts.values().stream().filter(filter).count();
    }

    static AlertCursor cursorOf(ObjectNode alert) {
        return new AlertCursor(GraphTime.parse(alert.get("lastUpdateDateTime").asText()), alert.get("id").asText());
    }

    private String newId(Instant now) {
        String id;
        do {
            id = "da" + GraphTime.ticks(now) + "_" + random.nextInt();
        } while (alerts.containsKey(id));
        return id;
    }

    static void validate(ObjectNode alert) {
        Objects.requireNonNull(alert, "alert");
        if (alert.has("id") && !(alert.get("id").isTextual() && !alert.get("id").asText().isBlank())) {
            throw new IllegalArgumentException("id must be a non-empty string");
        }
        ENUM_FIELDS.forEach((field, members) -> requireMember(alert, field, members));
        for (String field : DATE_FIELDS) {
            JsonNode value = alert.get(field);
            if (value != null && !value.isNull()) {
                if (!value.isTextual()) {
                    throw new IllegalArgumentException(field + " must be an ISO-8601 date-time string");
                }
                GraphTime.parse(value.asText());
            }
        }
        for (String field : ARRAY_FIELDS) {
            if (alert.has(field) && !alert.get(field).isArray()) {
                throw new IllegalArgumentException(field + " must be an array");
            }
        }
    }

    private static void validateUpdate(ObjectNode changes) {
        Objects.requireNonNull(changes, "changes");
        ODataType.require(changes, ALERT_ODATA_TYPE);
        changes.fieldNames().forEachRemaining(field -> {
            if (!field.equals("@odata.type") && !UPDATABLE.contains(field)) {
                throw new IllegalArgumentException("The property '" + field
                        + "' cannot be updated; only status, assignedTo, classification and determination can");
            }
        });
        for (String field : List.of("status", "classification", "determination")) {
            if (changes.has(field) && changes.get(field).isNull()) {
                throw new IllegalArgumentException("The property '" + field + "' cannot be set to null");
            }
            requireMember(changes, field, ENUM_FIELDS.get(field));
        }
        JsonNode assignedTo = changes.get("assignedTo");
        if (assignedTo != null && !assignedTo.isNull() && !assignedTo.isTextual()) {
            throw new IllegalArgumentException("assignedTo must be a string or null");
        }
    }

    private static void requireMember(ObjectNode node, String field, Set<String> members) {
        JsonNode value = node.get(field);
        if (value != null && !value.isNull() && !(value.isTextual() && members.contains(value.asText()))) {
            throw new IllegalArgumentException("Requested value '" + value.asText() + "' was not found in the "
                    + field + " enumeration");
        }
    }

    private static void putIfAbsent(ObjectNode node, String field, String value) {
        if (!node.hasNonNull(field)) {
            node.put(field, value);
        }
    }
}
