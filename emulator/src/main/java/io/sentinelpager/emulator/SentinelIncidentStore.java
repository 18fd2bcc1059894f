package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The Microsoft Sentinel incidents of emulated workspaces, with their alerts and comments, as ARM
 * JSON envelopes ({@code id, name, type, etag, properties}). Thread-safe; copies in, copies out.
 *
 * <p>Every write gives the incident a new etag and lastModifiedTimeUtc from the injected clock. A PUT
 * that carries an etag other than the current one is refused with 409, which is how Sentinel keeps
 * two writers (an analyst in the portal, this product) from overwriting each other. Adding a comment
 * is such a write too, whoever adds it: Microsoft lists "comments … are added to an incident" among
 * the updates that fire automation rules' "When incident is updated" trigger
 * (learn.microsoft.com/azure/sentinel/automate-incident-handling-with-automation-rules).
 */
public final class SentinelIncidentStore {

    static final String INCIDENT_TYPE = "Microsoft.SecurityInsights/incidents";
    static final Set<String> SEVERITY = Set.of("High", "Medium", "Low", "Informational");
    static final Set<String> STATUS = Set.of("New", "Active", "Closed");
    static final Set<String> CLASSIFICATION = Set.of("Undetermined", "TruePositive", "BenignPositive", "FalsePositive");
    static final Set<String> CLASSIFICATION_REASON =
            Set.of("SuspiciousActivity", "SuspiciousButExpected", "IncorrectAlertLogic", "InaccurateData");
    /** What a PUT may set; everything else (number, times, counts, provider) is Sentinel's. */
    private static final Set<String> WRITABLE = Set.of("title", "description", "severity", "status", "classification",
            "classificationReason", "classificationComment", "owner", "labels", "firstActivityTimeUtc",
            "lastActivityTimeUtc");

    /** A PUT's outcome: the stored resource, and whether it was created (201) rather than replaced (200). */
    record Written(ObjectNode resource, boolean created) {
    }

    private static final class Incident {
        ObjectNode json;
        final List<ObjectNode> alerts = new ArrayList<>();
        final Map<String, ObjectNode> comments = new LinkedHashMap<>();
    }

    private final Clock clock;
    private final Map<String, Map<String, Incident>> workspaces = new LinkedHashMap<>();
    private int nextIncidentNumber = 1;

    public SentinelIncidentStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Stores an incident as Sentinel would have created it, completing what is left out: name (a
     * GUID), id, type, etag, created and modified times of now, incident number and URL, provider,
     * empty labels and zero counts. Given values are kept.
     *
     * @param incident an ARM envelope, or just {@code {"properties":{…}}}
     * @return a copy of the stored incident
     * @throws IllegalArgumentException if title, severity or status is missing or invalid
     */
    public synchronized ObjectNode add(SentinelWorkspace workspace, ObjectNode incident) {
        String name = incident.path("name").asText(UUID.randomUUID().toString());
        ObjectNode properties = incident.path("properties") instanceof ObjectNode p ? p.deepCopy()
                : JsonNodeFactory.instance.objectNode();
        try {
            validate(properties);
        } catch (ApiError e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        ObjectNode stored = create(workspace, name, properties);
        if (incident.hasNonNull("etag")) {
            stored.put("etag", incident.get("etag").asText());
        }
        return stored.deepCopy();
    }

    public synchronized Optional<ObjectNode> get(SentinelWorkspace workspace, String incidentName) {
        return find(workspace, incidentName).map(incident -> incident.json.deepCopy());
    }

    /** Copies of every incident of the workspace, oldest first. */
    public synchronized List<ObjectNode> all(SentinelWorkspace workspace) {
        return incidents(workspace).values().stream().map(incident -> incident.json.deepCopy()).toList();
    }

    /**
     * Attaches a SecurityAlert entity to an incident, completing its id, name, type and kind.
     *
     * @return a copy of the stored alert
     * @throws IllegalArgumentException if there is no such incident
     */
    public synchronized ObjectNode addAlert(SentinelWorkspace workspace, String incidentName, ObjectNode alert) {
        Incident incident = find(workspace, incidentName)
                .orElseThrow(() -> new IllegalArgumentException("no incident '" + incidentName + "'"));
        String name = alert.path("name").asText(UUID.randomUUID().toString());
        ObjectNode stored = JsonNodeFactory.instance.objectNode()
                .put("id", workspace.resourceId() + "/Entities/" + name)
                .put("name", name)
                .put("type", "Microsoft.SecurityInsights/Entities")
                .put("kind", "SecurityAlert");
        stored.setAll(alert.deepCopy());
        incident.alerts.add(stored);
        incident.json.with("properties").with("additionalData").put("alertsCount", incident.alerts.size());
        return stored.deepCopy();
    }

    /**
     * Changes an incident as an analyst in the portal would: the given properties replace the stored
     * ones, and the incident gets a new etag, so a client still holding the old one meets a 409.
     *
     * @return a copy of the changed incident
     * @throws IllegalArgumentException if there is no such incident or the result is not valid
     */
    public synchronized ObjectNode change(SentinelWorkspace workspace, String incidentName, ObjectNode properties) {
        Incident incident = find(workspace, incidentName)
                .orElseThrow(() -> new IllegalArgumentException("no incident '" + incidentName + "'"));
        ObjectNode changed = incident.json.with("properties").deepCopy();
        changed.setAll(properties.deepCopy());
        try {
            validate(changed);
        } catch (ApiError e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        incident.json.set("properties", changed);
        touch(incident.json);
        return incident.json.deepCopy();
    }

    /**
     * Changes properties of one of an incident's SecurityAlert entities (e.g. its status, as the product that raised
     * the alert reports it resolved or dismissed).
     *
     * @return a copy of the changed alert
     * @throws IllegalArgumentException if there is no such incident or alert
     */
    public synchronized ObjectNode changeAlert(SentinelWorkspace workspace, String incidentName, String alertName,
                                               ObjectNode properties) {
        Incident incident = find(workspace, incidentName)
                .orElseThrow(() -> new IllegalArgumentException("no incident '" + incidentName + "'"));
        ObjectNode alert = incident.alerts.stream().filter(a -> alertName.equals(a.path("name").asText()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("incident '" + incidentName
                        + "' has no alert '" + alertName + "'"));
        alert.with("properties").setAll(properties.deepCopy());
        return alert.deepCopy();
    }

    synchronized List<ObjectNode> alerts(SentinelWorkspace workspace, String incidentName) {
        return incident(workspace, incidentName).alerts.stream().map(ObjectNode::deepCopy).toList();
    }

    public synchronized List<ObjectNode> comments(SentinelWorkspace workspace, String incidentName) {
        return incident(workspace, incidentName).comments.values().stream().map(ObjectNode::deepCopy).toList();
    }

    /**
     * Applies a PUT of an incident: creates it, or replaces its writable properties.
     *
     * @throws ApiError 400 for a missing or invalid property, or closing without a classification
     *     (and BenignPositive without a reason); 409 for a stale etag
     */
    synchronized Written put(SentinelWorkspace workspace, String incidentName, ObjectNode body) {
        if (!(body.get("properties") instanceof ObjectNode properties)) {
            throw badRequest("The request body must have 'properties'");
        }
        validate(properties);
        Optional<Incident> existing = find(workspace, incidentName);
        if (existing.isEmpty()) {
            return new Written(create(workspace, incidentName, properties).deepCopy(), true);
        }
        ObjectNode json = existing.get().json;
        String given = body.path("etag").asText(null);
        if (given != null && !given.equals(json.get("etag").asText())) {
            throw new ApiError(409, "Conflict", "The incident '" + incidentName + "' was modified by someone else:"
                    + " its etag is no longer " + given + ". Read it again and retry.");
        }
        // An ARM PUT replaces the resource: a writable property left out is cleared.
        ObjectNode stored = json.with("properties");
        for (String field : WRITABLE) {
            if (properties.has(field)) {
                stored.set(field, properties.get(field).deepCopy());
            } else if (field.equals("labels")) {
                // A cleared list is still in the answer, empty, as in Microsoft's published PUT response.
                stored.putArray(field);
            } else {
                stored.remove(field);
            }
        }
        touch(json);
        return new Written(json.deepCopy(), false);
    }

    /**
     * Adds a comment as an analyst in the portal would: under a new name, by the author given (Sentinel's
     * {@code author} object; an objectId is made up when none is given), at the clock's time.
     *
     * @return a copy of the stored comment
     * @throws NoSuchElementException if there is no such incident
     * @throws IllegalArgumentException for a blank message, or an author without name, userPrincipalName or email
     */
    public synchronized ObjectNode addComment(SentinelWorkspace workspace, String incidentName, String message,
                                              ObjectNode author) {
        if (find(workspace, incidentName).isEmpty()) {
            throw new NoSuchElementException("no incident '" + incidentName + "' in workspace "
                    + workspace.workspaceName());
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a comment needs a non-empty 'message'");
        }
        if (author == null || List.of("name", "userPrincipalName", "email").stream()
                .allMatch(field -> author.path(field).asText("").isBlank())) {
            throw new IllegalArgumentException("a comment needs an 'author' with a 'name', 'userPrincipalName' or"
                    + " 'email', as Sentinel shows who wrote it");
        }
        ObjectNode by = author.deepCopy();
        if (!by.hasNonNull("objectId")) {
            by.put("objectId", UUID.randomUUID().toString());
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("properties").put("message", message);
        return putComment(workspace, incidentName, UUID.randomUUID().toString(), body, by).resource();
    }

    /** Adds or replaces a comment; the comment id is the caller's, which makes a retried PUT harmless. */
    synchronized Written putComment(SentinelWorkspace workspace, String incidentName, String commentId, ObjectNode body,
                                    ObjectNode author) {
        Incident incident = incident(workspace, incidentName);
        String message = body.path("properties").path("message").asText("");
        if (message.isBlank()) {
            throw badRequest("The comment must have a non-empty 'properties.message'");
        }
        String now = GraphTime.format(GraphTime.now(clock));
        ObjectNode existing = incident.comments.get(commentId.toLowerCase(Locale.ROOT));
        ObjectNode comment = existing != null ? existing : JsonNodeFactory.instance.objectNode()
                .put("id", incident.json.get("id").asText() + "/comments/" + commentId)
                .put("name", commentId)
                .put("type", "Microsoft.SecurityInsights/incidents/comments");
        comment.put("etag", newEtag());
        ObjectNode properties = comment.with("properties").put("message", message).put("lastModifiedTimeUtc", now);
        if (existing == null) {
            properties.put("createdTimeUtc", now).set("author", author.deepCopy());
            incident.comments.put(commentId.toLowerCase(Locale.ROOT), comment);
            incident.json.with("properties").with("additionalData").put("commentsCount", incident.comments.size());
            // A new comment updates the incident (see the class comment), at the comment's own time.
            incident.json.put("etag", newEtag());
            incident.json.with("properties").put("lastModifiedTimeUtc", now);
        }
        return new Written(comment.deepCopy(), existing == null);
    }

    private ObjectNode create(SentinelWorkspace workspace, String name, ObjectNode properties) {
        Map<String, Incident> incidents = incidents(workspace);
        if (incidents.containsKey(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("An incident named '" + name + "' already exists");
        }
        String id = workspace.resourceId() + "/incidents/" + name;
        String now = GraphTime.format(GraphTime.now(clock));
        int number = nextIncidentNumber++;
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("id", id).put("name", name)
                .put("type", INCIDENT_TYPE).put("etag", newEtag());
        ObjectNode stored = json.putObject("properties");
        stored.put("createdTimeUtc", now);
        stored.setAll(properties.deepCopy());
        putIfAbsent(stored, "incidentNumber", number);
        putIfAbsent(stored, "incidentUrl", "https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident" + id);
        putIfAbsent(stored, "providerName", "Azure Sentinel");
        putIfAbsent(stored, "providerIncidentId", Integer.toString(number));
        if (!stored.has("labels")) {
            stored.putArray("labels");
        }
        if (!stored.has("relatedAnalyticRuleIds")) {
            stored.putArray("relatedAnalyticRuleIds");
        }
        ObjectNode counts = stored.with("additionalData");
        putIfAbsent(counts, "alertsCount", 0);
        putIfAbsent(counts, "bookmarksCount", 0);
        putIfAbsent(counts, "commentsCount", 0);
        if (!counts.has("alertProductNames")) {
            counts.putArray("alertProductNames");
        }
        if (!counts.has("tactics")) {
            counts.putArray("tactics");
        }
        putIfAbsent(stored, "lastModifiedTimeUtc", now);
        Incident incident = new Incident();
        incident.json = json;
        incidents.put(name.toLowerCase(Locale.ROOT), incident);
        return json;
    }

    private void touch(ObjectNode json) {
        json.put("etag", newEtag());
        json.with("properties").put("lastModifiedTimeUtc", GraphTime.format(GraphTime.now(clock)));
    }

    private static void validate(ObjectNode properties) {
        requireMember(properties, "title", null);
        requireMember(properties, "severity", SEVERITY);
        requireMember(properties, "status", STATUS);
        optionalMember(properties, "classification", CLASSIFICATION);
        optionalMember(properties, "classificationReason", CLASSIFICATION_REASON);
        if (properties.get("status").asText().equals("Closed")) {
            if (!properties.hasNonNull("classification")) {
                throw badRequest("Closing an incident requires a classification");
            }
            if (properties.get("classification").asText().equals("BenignPositive")
                    && !properties.hasNonNull("classificationReason")) {
                throw badRequest("Classification BenignPositive requires a classificationReason");
            }
        }
    }

    private static void requireMember(ObjectNode properties, String field, Set<String> members) {
        JsonNode value = properties.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw badRequest("The property '" + field + "' is required");
        }
        optionalMember(properties, field, members);
    }

    private static void optionalMember(ObjectNode properties, String field, Set<String> members) {
        JsonNode value = properties.get(field);
        if (members != null && value != null && !value.isNull() && !members.contains(value.asText())) {
            throw badRequest("The value '" + value.asText() + "' of '" + field + "' is not one of " + members);
        }
    }

    private Map<String, Incident> incidents(SentinelWorkspace workspace) {
        return workspaces.computeIfAbsent(workspace.key(), k -> new LinkedHashMap<>());
    }

    private Optional<Incident> find(SentinelWorkspace workspace, String incidentName) {
        return Optional.ofNullable(incidents(workspace).get(incidentName.toLowerCase(Locale.ROOT)));
    }

    private Incident incident(SentinelWorkspace workspace, String incidentName) {
        return find(workspace, incidentName).orElseThrow(() -> new ApiError(404, "NotFound",
                "The incident '" + incidentName + "' was not found."));
    }

    private static String newEtag() {
        return "\"" + UUID.randomUUID() + "\"";
    }

    private static ApiError badRequest(String message) {
        return new ApiError(400, "BadRequest", message);
    }

    private static void putIfAbsent(ObjectNode node, String field, String value) {
        if (!node.hasNonNull(field)) {
            node.put(field, value);
        }
    }

    private static void putIfAbsent(ObjectNode node, String field, int value) {
        if (!node.hasNonNull(field)) {
            node.put(field, value);
        }
    }
}
