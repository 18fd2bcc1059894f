package io.sentinelpager.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * A SecurityAlert entity of a Sentinel incident (from {@code POST …/incidents/{id}/alerts}).
 *
 * @param json the entity exactly as received
 */
public record SentinelAlert(String id, String name, Properties properties, ObjectNode json) {

    /** Reads an alert entity as ARM writes it, leniently as the client does. */
    public static SentinelAlert fromJson(ObjectNode json) {
        return SentinelJson.alert(json);
    }

    /** {@code status} is one of Unknown, New, Resolved, Dismissed, InProgress; kept as text. */
    public record Properties(String systemAlertId, String providerAlertId, String alertDisplayName, String alertType,
                             String severity, String status, String description, Instant startTimeUtc,
                             Instant endTimeUtc, Instant timeGenerated, String productName,
                             String productComponentName, String vendorName, List<String> tactics) {
    }
}
