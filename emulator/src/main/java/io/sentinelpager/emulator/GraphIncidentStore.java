package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The emulated tenant's Defender incidents (Graph {@code microsoft.graph.security.incident} JSON), in
 * memory. An incident's alerts are not stored here: they are the alerts of the {@link GraphAlertStore}
 * whose incidentId is the incident's id, as in Defender, where an alert names its incident.
 * Thread-safe; copies in, copies out.
 */
public final class GraphIncidentStore {

    static final String INCIDENT_ODATA_TYPE = "#microsoft.graph.security.incident";
    static final Set<String> STATUS = Set.of("active", "resolved", "inProgress", "redirected", "awaitingAction");
    /** What Graph lets a PATCH of an incident change. */
    private static final Set<String> UPDATABLE = Set.of("status", "assignedTo", "classification", "determination",
            "customTags", "description", "resolvingComment", "summary");

    private final Clock clock;
    private final String tenantId;
    private final Map<String, ObjectNode> incidents = new LinkedHashMap<>();
    private long nextId = 1;

    public GraphIncidentStore(Clock clock, String tenantId) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
    }

    /**
     * Stores an incident, completing a numeric id, tenantId, status active, medium severity, unknown
     * classification and determination, created and last-update times of now, portal URL and empty
     * collections. Given values are kept as given.
     *
     * @return a copy of the stored incident
     */
    public synchronized ObjectNode add(ObjectNode incident) {
        ObjectNode stored = JsonNodeFactory.instance.objectNode().put("@odata.type", INCIDENT_ODATA_TYPE);
        String id = incident.hasNonNull("id") ? incident.get("id").asText() : Long.toString(nextId++);
        if (incidents.containsKey(id)) {
            throw new IllegalArgumentException("An incident with id '" + id + "' already exists");
        }
        stored.put("id", id);
        stored.setAll(incident.deepCopy());
        String now = GraphTime.format(GraphTime.now(clock));
        putIfAbsent(stored, "tenantId", tenantId);
        putIfAbsent(stored, "status", "active");
        putIfAbsent(stored, "severity", "medium");
        putIfAbsent(stored, "classification", "unknown");
        putIfAbsent(stored, "determination", "unknown");
        putIfAbsent(stored, "createdDateTime", now);
        putIfAbsent(stored, "lastUpdateDateTime", stored.get("createdDateTime").asText());
        putIfAbsent(stored, "incidentWebUrl", "https://security.microsoft.com/incidents/" + id + "?tid=" + tenantId);
        for (String field : List.of("customTags", "systemTags", "comments")) {
            if (!stored.has(field)) {
                stored.putArray(field);
            }
        }
        incidents.put(id, stored);
        return stored.deepCopy();
    }

    public synchronized Optional<ObjectNode> get(String id) {
        return Optional.ofNullable(incidents.get(id)).map(ObjectNode::deepCopy);
    }

    /** Copies of the incidents updated at or after {@code since}, strictly after {@code after}, in list order. */
    synchronized List<ObjectNode> page(Instant since, AlertCursor after, int limit) {
        return incidents.values().stream()
                .filter(incident -> since == null || !lastUpdate(incident).isBefore(since))
                .filter(incident -> after == null || cursorOf(incident).compareTo(after) > 0)
                .sorted(Comparator.comparing(GraphIncidentStore::cursorOf))
                .limit(limit)
                .map(ObjectNode::deepCopy)
                .toList();
    }

    /**
     * Applies a Graph incident PATCH; lastUpdateDateTime becomes now.
     *
     * @throws IllegalArgumentException if a property may not be changed or a value is not valid
     */
    synchronized Optional<ObjectNode> update(String id, ObjectNode changes) {
        ODataType.require(changes, INCIDENT_ODATA_TYPE);
        changes.fieldNames().forEachRemaining(field -> {
            if (!field.equals("@odata.type") && !UPDATABLE.contains(field)) {
                throw new IllegalArgumentException("The property '" + field + "' of an incident cannot be updated");
            }
        });
        requireMember(changes, "status", STATUS);
        requireMember(changes, "classification", GraphEnums.CLASSIFICATION);
        requireMember(changes, "determination", GraphEnums.DETERMINATION);
        ObjectNode incident = incidents.get(id);
        if (incident == null) {
            return Optional.empty();
        }
        changes.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("@odata.type")) {
                incident.set(field.getKey(), field.getValue().deepCopy());
            }
        });
        incident.put("lastUpdateDateTime", GraphTime.format(GraphTime.now(clock)));
        return Optional.of(incident.deepCopy());
    }

    /**
     * Adds a comment, as the given author; lastUpdateDateTime becomes now.
     *
     * @return copies of all the incident's comments, or empty if there is no such incident
     */
    synchronized Optional<List<ObjectNode>> addComment(String id, String comment, String createdBy) {
        if (comment == null || comment.isBlank()) {
            throw new IllegalArgumentException("The comment must not be empty");
        }
        ObjectNode incident = incidents.get(id);
        if (incident == null) {
            return Optional.empty();
        }
        String now = GraphTime.format(GraphTime.now(clock));
        incident.withArray("comments").addObject()
                .put("@odata.type", "#microsoft.graph.security.alertComment")
                .put("comment", comment)
                .put("createdByDisplayName", createdBy)
                .put("createdDateTime", now);
        incident.put("lastUpdateDateTime", now);
        List<ObjectNode> copy = new ArrayList<>();
        incident.withArray("comments").forEach(c -> copy.add((ObjectNode) c.deepCopy()));
        return Optional.of(copy);
    }

    static AlertCursor cursorOf(ObjectNode incident) {
        return new AlertCursor(lastUpdate(incident), incident.get("id").asText());
    }

    private static Instant lastUpdate(ObjectNode incident) {
        return GraphTime.parse(incident.get("lastUpdateDateTime").asText());
    }

    /**
     * Checks an enum value, ignoring case, and writes it back as the member is spelt: Microsoft's own
     * update example sends {@code "TruePositive"} and {@code "MultiStagedAttack"} (OData enum
     * parsing in Graph is case-insensitive), while Graph lists and stores camelCase members.
     */
    private static void requireMember(ObjectNode node, String field, Set<String> members) {
        JsonNode value = node.get(field);
        if (value == null) {
            return;
        }
        String member = value.isTextual() ? members.stream().filter(m -> m.equalsIgnoreCase(value.asText()))
                .findFirst().orElse(null) : null;
        if (member == null) {
            throw new IllegalArgumentException("Requested value '" + value.asText() + "' was not found in the "
                    + field + " enumeration");
        }
        node.put(field, member);
    }

    private static void putIfAbsent(ObjectNode node, String field, String value) {
        if (!node.hasNonNull(field)) {
            node.put(field, value);
        }
    }
}
