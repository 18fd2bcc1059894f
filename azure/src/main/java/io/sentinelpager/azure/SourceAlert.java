package io.sentinelpager.azure;

import com.microsoft.graph.models.security.Alert;

/**
 * An alert as Graph returned it: the SDK model, and the same alert serialized back to JSON by the
 * SDK's own (Kiota) serializer, which keeps every property including ones this code does not read,
 * for the audit copy that travels with the normalized alert.
 */
public record SourceAlert(Alert alert, String json) {
}
