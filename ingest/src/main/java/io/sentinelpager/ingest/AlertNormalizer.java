package io.sentinelpager.ingest;

import com.microsoft.graph.models.security.Alert;
import io.sentinelpager.azure.SourceAlert;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Turns a Graph alert into our record ({@link SentinelNormalizer} does the same for Sentinel's). Nothing is dropped for a missing or unknown field: an unknown severity becomes
 * UNKNOWN (and pages with high urgency), a missing title is named after the alert id, and the source JSON is kept.
 * Oversized text is cut with a marker rather than refused ({@link AlertBounds}), so a 1 MB description still pages
 * and the record stays within Kafka's message limit. Only an alert without a usable id cannot be paged (nothing could
 * refer to it): it is refused with {@link UnusableAlertException}, for the caller to dead-letter.
 */
final class AlertNormalizer {

    /** Thrown for an alert that cannot become a record; the message says what is wrong, and with which alert. */
    static final class UnusableAlertException extends RuntimeException {
        UnusableAlertException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String connectorId;
    private final AlertBounds bounds;

    AlertNormalizer(String connectorId, AlertBounds bounds) {
        this.connectorId = connectorId;
        this.bounds = bounds;
    }

    SecurityAlert normalize(SourceAlert source, Instant now) {
        Alert a = source.alert();
        String id = a.getId();
        if (id == null || id.isBlank()) {
            throw new UnusableAlertException("connector " + connectorId + ": Graph returned an alert without an id"
                    + " (title '" + a.getTitle() + "', lastUpdateDateTime " + a.getLastUpdateDateTime() + ")", null);
        }
        try {
            return build(source, a, id, now);
        } catch (RuntimeException e) {
            // A field our schema requires came back in a shape the builder refuses: say which alert and why.
            throw new UnusableAlertException("connector " + connectorId + ": alert " + id + " cannot be normalized: "
                    + e, e);
        }
    }

    private SecurityAlert build(SourceAlert source, Alert a, String id, Instant now) {
        Instant created = instant(a.getCreatedDateTime(), now);
        return bounds.apply(SecurityAlert.newBuilder()
                .setAlertKey(connectorId + ":" + id)
                .setConnectorId(connectorId)
                .setSource(AlertSource.GRAPH)
                .setAlertId(id)
                .setProviderAlertId(a.getProviderAlertId())
                .setIncidentId(a.getIncidentId())
                .setTenantId(a.getTenantId())
                .setTitle(a.getTitle() == null || a.getTitle().isBlank() ? "Alert " + id : a.getTitle())
                .setDescription(a.getDescription())
                .setSeverity(severity(a.getSeverity() == null ? null : a.getSeverity().getValue()))
                .setStatus(status(a.getStatus() == null ? null : a.getStatus().getValue()))
                .setClassification(a.getClassification() == null ? null : a.getClassification().getValue())
                .setDetermination(a.getDetermination() == null ? null : a.getDetermination().getValue())
                .setServiceSource(a.getServiceSource() == null ? null : a.getServiceSource().getValue())
                .setDetectionSource(a.getDetectionSource() == null ? null : a.getDetectionSource().getValue())
                .setDetectorId(a.getDetectorId())
                .setProductName(a.getProductName())
                .setCategory(a.getCategory())
                .setMitreTechniques(a.getMitreTechniques() == null ? List.of() : a.getMitreTechniques())
                .setTags(a.getSystemTags() == null ? List.of() : a.getSystemTags())
                .setAssignedTo(a.getAssignedTo())
                .setAlertWebUrl(a.getAlertWebUrl())
                .setIncidentWebUrl(a.getIncidentWebUrl())
                .setCreatedAt(created)
                .setLastUpdatedAt(instant(a.getLastUpdateDateTime(), created))
                .setIngestedAt(now)
                .setSourceJson(source.json()));
    }

    static Severity severity(String graph) {
        if (graph == null) {
            return Severity.UNKNOWN;
        }
        return switch (graph) {
            case "informational" -> Severity.INFORMATIONAL;
            case "low" -> Severity.LOW;
            case "medium" -> Severity.MEDIUM;
            case "high" -> Severity.HIGH;
            default -> Severity.UNKNOWN;
        };
    }

    static SourceStatus status(String graph) {
        if (graph == null) {
            return SourceStatus.UNKNOWN;
        }
        return switch (graph) {
            case "new" -> SourceStatus.NEW;
            case "inProgress" -> SourceStatus.IN_PROGRESS;
            case "resolved" -> SourceStatus.RESOLVED;
            default -> SourceStatus.UNKNOWN;
        };
    }

    private static Instant instant(OffsetDateTime value, Instant fallback) {
        return value == null ? fallback : value.toInstant();
    }
}
