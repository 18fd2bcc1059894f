package io.sentinelpager.azure;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.SentinelIncident.Classification;
import io.sentinelpager.azure.SentinelIncident.ClassificationReason;
import io.sentinelpager.azure.SentinelIncident.Status;
import java.util.Optional;

/**
 * What this product changes on a Sentinel incident; a null component is left as it is. Checked here
 * with Sentinel's own closing rules, so a close that Sentinel would refuse fails before any call.
 *
 * @param ownerUserPrincipalName the new owner, by user principal name (Sentinel resolves the rest)
 * @param label                  a label to add (e.g. to mark incidents this product picked up)
 */
public record IncidentUpdate(Status status, Classification classification, ClassificationReason classificationReason,
                             String classificationComment, String ownerUserPrincipalName, String label) {

    public IncidentUpdate {
        if (status == Status.Closed && classification == null) {
            throw new IllegalArgumentException("closing an incident requires a classification");
        }
        if (classification == Classification.BenignPositive && classificationReason == null) {
            throw new IllegalArgumentException("classification BenignPositive requires a classificationReason");
        }
    }

    public static IncidentUpdate status(Status status) {
        return new IncidentUpdate(status, null, null, null, null, null);
    }

    public static IncidentUpdate close(Classification classification, ClassificationReason reason, String comment) {
        return new IncidentUpdate(Status.Closed, classification, reason, comment, null, null);
    }

    /** The incident's properties with this update applied; everything else is kept as read. */
    ObjectNode applyTo(ObjectNode properties) {
        ObjectNode changed = properties.deepCopy();
        Optional.ofNullable(status).ifPresent(s -> changed.put("status", s.name()));
        Optional.ofNullable(classification).ifPresent(c -> changed.put("classification", c.name()));
        Optional.ofNullable(classificationReason).ifPresent(r -> changed.put("classificationReason", r.name()));
        Optional.ofNullable(classificationComment).ifPresent(c -> changed.put("classificationComment", c));
        if (ownerUserPrincipalName != null) {
            changed.set("owner", JsonNodeFactory.instance.objectNode().put("userPrincipalName", ownerUserPrincipalName));
        }
        if (label != null && !hasLabel(changed, label)) {
            changed.withArray("labels").addObject().put("labelName", label).put("labelType", "User");
        }
        return changed;
    }

    private static boolean hasLabel(ObjectNode properties, String label) {
        for (var existing : properties.path("labels")) {
            if (label.equals(existing.path("labelName").asText())) {
                return true;
            }
        }
        return false;
    }
}
