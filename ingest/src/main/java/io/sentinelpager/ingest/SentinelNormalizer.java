package io.sentinelpager.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.SentinelAlert;
import io.sentinelpager.azure.SentinelAlertId;
import io.sentinelpager.azure.SentinelIncident;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one alert of a Sentinel incident (or an incident without alerts) into our record, keyed by
 * {@link SentinelAlertId} and grouped by the incident's name, so a policy with groupByIncident makes one page of them.
 *
 * <p>What the alert says (title, description, severity, tactics, product, its SystemAlertId for enrichment) comes
 * from the alert; what an analyst changes (status, owner, classification) and the version come from the incident,
 * because in Sentinel that is where they are changed. So closing an incident changes every one of its alerts, and
 * each becomes an action. The classification is given in Graph's words, the vocabulary the rest of the product
 * (responder, escalate, syncback) uses for both sources; Undetermined reads as none, as a new incident has.
 *
 * <p>The audit copy is {@code {"incident":…, "alert":…}} as ARM sent them, so the alert's resource identifiers and
 * additional data, and the incident's labels, tactics and owner, travel with the page.
 */
final class SentinelNormalizer {

    /** What Graph calls a Sentinel alert's service source, so the same filters and enrichment apply to both APIs. */
    static final String SERVICE_SOURCE = "microsoftSentinel";

    private final String connectorId;
    private final String tenantId;
    private final AlertBounds bounds;

    SentinelNormalizer(String connectorId, String tenantId, AlertBounds bounds) {
        this.connectorId = connectorId;
        this.tenantId = tenantId;
        this.bounds = bounds;
    }

    /** The audit copy of an alert of an incident; also what a dead letter carries. */
    static String sourceJson(SentinelIncident incident, SentinelAlert alert) {
        ObjectNode both = JsonNodeFactory.instance.objectNode();
        both.set("incident", incident.json());
        if (alert != null) {
            both.set("alert", alert.json());
        }
        return both.toString();
    }

    /** @param alert the incident's alert, or null to page the incident itself (it has no alerts) */
    SecurityAlert normalize(SentinelIncident incident, SentinelAlert alert, Instant now) {
        SentinelAlertId id;
        try {
            id = SentinelAlertId.of(blankToNull(incident.name()), alert == null ? null : blankToNull(alert.name()));
        } catch (IllegalArgumentException e) {
            throw new AlertNormalizer.UnusableAlertException("connector " + connectorId + ": Sentinel returned "
                    + (alert == null ? "an incident" : "an alert") + " that cannot be named: " + e.getMessage()
                    + " (incident id '" + incident.id() + "')", e);
        }
        try {
            return build(id, incident, alert, now);
        } catch (RuntimeException e) {
            throw new AlertNormalizer.UnusableAlertException("connector " + connectorId + ": Sentinel alert " + id
                    + " cannot be normalized: " + e, e);
        }
    }

    private SecurityAlert build(SentinelAlertId id, SentinelIncident incident, SentinelAlert alert, Instant now) {
        SentinelIncident.Properties i = incident.properties();
        SentinelAlert.Properties a = alert == null ? null : alert.properties();
        Instant created = first(a == null ? null : a.timeGenerated(), i.createdTimeUtc(), now);
        List<String> tactics = tactics(i, a);
        String title = first(a == null ? null : blankToNull(a.alertDisplayName()), blankToNull(i.title()),
                "Sentinel incident " + Optional.ofNullable(i.incidentNumber()).map(String::valueOf).orElse(id.value()));
        return bounds.apply(SecurityAlert.newBuilder()
                .setAlertKey(connectorId + ":" + id.value())
                .setConnectorId(connectorId)
                .setSource(AlertSource.SENTINEL)
                .setAlertId(id.value())
                .setProviderAlertId(a == null ? null : first(blankToNull(a.systemAlertId()), a.providerAlertId(), null))
                .setIncidentId(id.incidentName())
                .setTenantId(tenantId)
                .setTitle(title)
                .setDescription(first(a == null ? null : blankToNull(a.description()), i.description(), null))
                .setSeverity(severity(a == null || a.severity() == null ? name(i.severity()) : a.severity()))
                .setStatus(status(i.status()))
                .setClassification(classification(i.classification()))
                .setServiceSource(SERVICE_SOURCE)
                .setDetectionSource(a == null ? i.providerName() : a.productComponentName())
                .setProductName(a == null ? i.providerName() : a.productName())
                .setCategory(tactics.isEmpty() ? null : tactics.get(0))
                .setMitreTechniques(techniques(alert))
                .setTags(i.labels() == null ? List.of() : i.labels().stream().map(SentinelIncident.Label::labelName)
                        .filter(n -> n != null && !n.isBlank()).toList())
                .setAssignedTo(owner(i.owner()))
                .setAlertWebUrl(alert == null ? null : blankToNull(alert.json().path("properties").path("alertLink")
                        .asText(null)))
                .setIncidentWebUrl(i.incidentUrl())
                .setCreatedAt(created)
                .setLastUpdatedAt(first(i.lastModifiedTimeUtc(), i.createdTimeUtc(), created))
                .setIngestedAt(now)
                .setSourceJson(sourceJson(incident, alert)));
    }

    static Severity severity(String sentinel) {
        return AlertNormalizer.severity(sentinel == null ? null : sentinel.toLowerCase(Locale.ROOT));
    }

    static SourceStatus status(SentinelIncident.Status status) {
        if (status == null) {
            return SourceStatus.UNKNOWN;
        }
        return switch (status) {
            case New -> SourceStatus.NEW;
            case Active -> SourceStatus.IN_PROGRESS;
            case Closed -> SourceStatus.RESOLVED;
        };
    }

    /** Sentinel's classification in Graph's words; none for Undetermined (or none), as a fresh incident has. */
    static String classification(SentinelIncident.Classification classification) {
        if (classification == null) {
            return null;
        }
        return switch (classification) {
            case Undetermined -> null;
            case TruePositive -> "truePositive";
            case FalsePositive -> "falsePositive";
            case BenignPositive -> "informationalExpectedActivity";
        };
    }

    /**
     * How Azure shows the owner. The user principal name first, because that is what syncback writes (the pager user's
     * e-mail), so our own assignment reads back unchanged and is recognised as ours.
     */
    static String owner(SentinelIncident.Owner owner) {
        if (owner == null) {
            return null;
        }
        return first(blankToNull(owner.userPrincipalName()), blankToNull(owner.email()),
                blankToNull(owner.assignedTo()));
    }

    /** The alert's tactics, else the incident's; "Unknown" is what Sentinel writes for none. */
    private static List<String> tactics(SentinelIncident.Properties incident, SentinelAlert.Properties alert) {
        Set<String> out = new LinkedHashSet<>();
        if (alert != null && alert.tactics() != null) {
            out.addAll(alert.tactics());
        }
        if (out.isEmpty() && incident.additionalData() != null && incident.additionalData().tactics() != null) {
            out.addAll(incident.additionalData().tactics());
        }
        out.removeIf(t -> t == null || t.isBlank() || t.equalsIgnoreCase("Unknown"));
        return new ArrayList<>(out);
    }

    /** Techniques are not in the typed model (newer api-versions add them); read them from the JSON when present. */
    private static List<String> techniques(SentinelAlert alert) {
        List<String> out = new ArrayList<>();
        if (alert != null) {
            for (JsonNode t : alert.json().path("properties").path("techniques")) {
                if (t.isTextual() && !t.asText().isBlank()) {
                    out.add(t.asText());
                }
            }
        }
        return out;
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
