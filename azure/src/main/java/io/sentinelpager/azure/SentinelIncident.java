package io.sentinelpager.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * A Microsoft Sentinel incident as ARM returned it: the typed fields this product reads, and the
 * whole JSON, which keeps what the types leave out, for the audit copy and for writing the incident
 * back without losing anything (an ARM PUT replaces the resource).
 *
 * @param id         the ARM resource id
 * @param name       the incident id (a GUID), the last segment of {@code id}
 * @param etag       the version this copy was read at; a PUT with it fails if someone wrote since
 * @param properties the typed properties
 * @param json       the incident exactly as received
 */
public record SentinelIncident(String id, String name, String etag, Properties properties, ObjectNode json) {

    /** Reads an incident as ARM writes it (e.g. a stored copy or a published sample), leniently as the client does. */
    public static SentinelIncident fromJson(ObjectNode json) {
        return SentinelJson.incident(json);
    }

    public enum Severity { High, Medium, Low, Informational }

    public enum Status { New, Active, Closed }

    public enum Classification { Undetermined, TruePositive, BenignPositive, FalsePositive }

    public enum ClassificationReason { SuspiciousActivity, SuspiciousButExpected, IncorrectAlertLogic, InaccurateData }

    /** Values Sentinel adds after these types were written read as null; {@link #json} keeps them. */
    public record Properties(String title, String description, Severity severity, Status status,
                             Classification classification, ClassificationReason classificationReason,
                             String classificationComment, Owner owner, List<Label> labels, Integer incidentNumber,
                             String incidentUrl, String providerName, String providerIncidentId,
                             List<String> relatedAnalyticRuleIds, Instant createdTimeUtc, Instant lastModifiedTimeUtc,
                             Instant firstActivityTimeUtc, Instant lastActivityTimeUtc, AdditionalData additionalData) {
    }

    public record Owner(String objectId, String email, String userPrincipalName, String assignedTo, String ownerType) {
    }

    public record Label(String labelName, String labelType) {
    }

    public record AdditionalData(Integer alertsCount, Integer bookmarksCount, Integer commentsCount,
                                 List<String> alertProductNames, List<String> tactics) {
    }
}
